"""staff departures

Revision ID: 0007_staff_departures
Revises: 0006_invitation_codes
Create Date: 2026-11-22 08:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_staff_departures"
down_revision: str | None = "0006_invitation_codes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # Batch mode: SQLite cannot add a foreign key to an existing table in place.
    with op.batch_alter_table("staff_members") as batch:
        batch.add_column(sa.Column("left_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("successor_account_id", _ID, nullable=True))
        batch.create_foreign_key(
            batch.f("fk_staff_members_successor_account_id_accounts"), "accounts", ["successor_account_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("staff_members") as batch:
        batch.drop_constraint(batch.f("fk_staff_members_successor_account_id_accounts"), type_="foreignkey")
        batch.drop_column("successor_account_id")
        batch.drop_column("left_at")
