"""sms code requester

Revision ID: 0012_sms_code_requester
Revises: 0011_enterprise_contact_accounts
Create Date: 2026-11-22 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_sms_code_requester"
down_revision: str | None = "0011_enterprise_contact_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # Batch mode: SQLite cannot add a foreign key to an existing table in place.
    with op.batch_alter_table("sms_codes") as batch:
        batch.add_column(sa.Column("requested_by", _ID, nullable=True))
        batch.create_foreign_key(batch.f("fk_sms_codes_requested_by_accounts"), "accounts", ["requested_by"], ["id"])
        batch.create_index(batch.f("ix_sms_codes_requested_by"), ["requested_by"])


def downgrade() -> None:
    with op.batch_alter_table("sms_codes") as batch:
        batch.drop_index(batch.f("ix_sms_codes_requested_by"))
        batch.drop_constraint(batch.f("fk_sms_codes_requested_by_accounts"), type_="foreignkey")
        batch.drop_column("requested_by")
