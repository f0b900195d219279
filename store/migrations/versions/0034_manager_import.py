"""technology managers: one live record per ID number, the Excel imports, and an institution registration's
managers as submitted

Revision ID: 0034_manager_import
Revises: 0032_institution_registration
Create Date: 2026-12-07 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034_manager_import"
down_revision: str | None = "0033_registration_changes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
LIVE = sa.text("status <> 'deleted'")


def upgrade() -> None:
    op.add_column("institution_registrations", sa.Column("managers", sa.JSON(), nullable=True))
    op.create_index(
        "uq_technology_manager_registrations_live_id_number",
        "technology_manager_registrations",
        ["id_number"],
        unique=True,
        postgresql_where=LIVE,
        sqlite_where=LIVE,
    )
    op.create_table(
        "technology_manager_imports",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("institution_id", ID, nullable=False),
        sa.Column("uploaded_by", ID, nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("imported", sa.Integer(), nullable=False),
        sa.Column("already_present", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("error_file_sha256", sa.String(length=64), nullable=True),
        sa.Column("error_file_name", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"], ["institutions.id"], name=op.f("fk_technology_manager_imports_institution_id_institutions")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["accounts.id"], name=op.f("fk_technology_manager_imports_uploaded_by_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_technology_manager_imports")),
    )
    op.create_index(
        "ix_technology_manager_imports_institution_id", "technology_manager_imports", ["institution_id"]
    )


def downgrade() -> None:
    with op.batch_alter_table("institution_registrations") as batch:
        batch.drop_column("managers")
    op.drop_index("ix_technology_manager_imports_institution_id", table_name="technology_manager_imports")
    op.drop_table("technology_manager_imports")
    op.drop_index(
        "uq_technology_manager_registrations_live_id_number", table_name="technology_manager_registrations"
    )
