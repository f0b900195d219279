"""enterprise manual entry: verification status, who entered it, optional registry-only details

Revision ID: 0021_enterprise_manual_entry
Revises: 0020_expert_digest
Create Date: 2026-12-06 15:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_enterprise_manual_entry"
down_revision: str | None = "0020_expert_digest"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # Batch mode: SQLite can neither add a foreign key nor relax NOT NULL in place.
    with op.batch_alter_table("enterprises") as batch:
        # Every enterprise so far came from a registry lookup (the sandbox's): verified, by an unknown registry.
        batch.add_column(sa.Column("verification", sa.String(length=16), nullable=False, server_default="verified"))
        batch.add_column(sa.Column("verified_by", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("entered_by_institution_id", _ID, nullable=True))
        batch.create_foreign_key(
            batch.f("fk_enterprises_entered_by_institution_id_institutions"), "institutions",
            ["entered_by_institution_id"], ["id"],
        )
        batch.alter_column("registered_capital_fen", existing_type=sa.BigInteger(), nullable=True)
        batch.alter_column("established_on", existing_type=sa.Date(), nullable=True)
    with op.batch_alter_table("enterprises") as batch:
        # The model sets it on every insert; the default was only for the rows that were there.
        batch.alter_column("verification", existing_type=sa.String(length=16), server_default=None)
    op.execute("UPDATE enterprises SET verified_at = updated_at WHERE verification = 'verified'")


def downgrade() -> None:
    # Hand-entered enterprises have no capital or date of establishment: they cannot go back to NOT NULL.
    op.execute("UPDATE enterprises SET registered_capital_fen = 0 WHERE registered_capital_fen IS NULL")
    op.execute("UPDATE enterprises SET established_on = '1970-01-01' WHERE established_on IS NULL")
    with op.batch_alter_table("enterprises") as batch:
        batch.alter_column("established_on", existing_type=sa.Date(), nullable=False)
        batch.alter_column("registered_capital_fen", existing_type=sa.BigInteger(), nullable=False)
        batch.drop_constraint(batch.f("fk_enterprises_entered_by_institution_id_institutions"), type_="foreignkey")
        batch.drop_column("entered_by_institution_id")
        batch.drop_column("verified_at")
        batch.drop_column("verified_by")
        batch.drop_column("verification")
