"""technology managers: their registrations

Revision ID: 0031_technology_managers
Revises: 0030_indicators
Create Date: 2026-12-06 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031_technology_managers"
down_revision: str | None = "0030_indicators"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "technology_manager_registrations",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("institution_id", ID, nullable=True),
        sa.Column("invitation_code", sa.String(length=16), nullable=True),
        sa.Column("id_number", sa.String(length=18), nullable=True),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reopened", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deletion_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_technology_manager_registrations_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f("fk_technology_manager_registrations_institution_id_institutions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_technology_manager_registrations")),
        sa.UniqueConstraint("account_id", name=op.f("uq_technology_manager_registrations_account_id")),
    )
    for column in ("institution_id", "id_number", "status"):
        op.create_index(
            f"ix_technology_manager_registrations_{column}", "technology_manager_registrations", [column]
        )


def downgrade() -> None:
    for column in ("status", "id_number", "institution_id"):
        op.drop_index(f"ix_technology_manager_registrations_{column}", table_name="technology_manager_registrations")
    op.drop_table("technology_manager_registrations")
