"""registration changes: a basic-information change request names the approved record it changes (seed 000 一.6)

Revision ID: 0033_registration_changes
Revises: 0032_institution_registration
Create Date: 2026-12-07 01:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033_registration_changes"
down_revision: str | None = "0032_institution_registration"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("institution_registrations") as batch:
        batch.add_column(sa.Column("changes_id", ID, nullable=True))
        batch.add_column(sa.Column("previous_values", sa.JSON(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_institution_registrations_changes_id_institution_registrations"),
            "institution_registrations",
            ["changes_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("institution_registrations") as batch:
        batch.drop_constraint(
            op.f("fk_institution_registrations_changes_id_institution_registrations"), type_="foreignkey"
        )
        batch.drop_column("previous_values")
        batch.drop_column("changes_id")
