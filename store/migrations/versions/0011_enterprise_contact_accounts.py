"""enterprise contact accounts

Revision ID: 0011_enterprise_contact_accounts
Revises: 0010_dingtalk_invitations
Create Date: 2026-11-22 08:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_enterprise_contact_accounts"
down_revision: str | None = "0010_dingtalk_invitations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # Batch mode: SQLite cannot add a foreign key to an existing table in place.
    with op.batch_alter_table("enterprise_contacts") as batch:
        batch.add_column(sa.Column("account_id", _ID, nullable=True))
        batch.create_foreign_key(
            batch.f("fk_enterprise_contacts_account_id_accounts"), "accounts", ["account_id"], ["id"]
        )
        batch.create_index(batch.f("ix_enterprise_contacts_account_id"), ["account_id"])


def downgrade() -> None:
    with op.batch_alter_table("enterprise_contacts") as batch:
        batch.drop_index(batch.f("ix_enterprise_contacts_account_id"))
        batch.drop_constraint(batch.f("fk_enterprise_contacts_account_id_accounts"), type_="foreignkey")
        batch.drop_column("account_id")
