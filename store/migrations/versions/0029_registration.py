"""registration: unit certifications and registration-number counters

Revision ID: 0029_registration
Revises: 0028_monitoring
Create Date: 2026-12-06 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029_registration"
down_revision: str | None = "0028_monitoring"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "unit_certifications",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("legal_representative", sa.String(length=64), nullable=False),
        sa.Column("licence_file_id", ID, nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("registry_check", sa.String(length=16), nullable=False),
        sa.Column("registry_provider", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("certified_code", sa.String(length=18), nullable=True),
        sa.Column("certified_name", sa.String(length=128), nullable=True),
        sa.Column("certified_legal_representative", sa.String(length=64), nullable=True),
        sa.Column("certified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_unit_certifications_account_id_accounts")),
        sa.ForeignKeyConstraint(
            ["licence_file_id"], ["stored_files.id"], name=op.f("fk_unit_certifications_licence_file_id_stored_files")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_certifications")),
        sa.UniqueConstraint("account_id", name=op.f("uq_unit_certifications_account_id")),
        sa.UniqueConstraint("certified_code", name=op.f("uq_unit_certifications_certified_code")),
    )
    op.create_index("ix_unit_certifications_credit_code", "unit_certifications", ["credit_code"])
    op.create_index("ix_unit_certifications_status", "unit_certifications", ["status"])
    op.create_table(
        "registration_counters",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_counters")),
        sa.UniqueConstraint("year", "region_code", name=op.f("uq_registration_counters_year_region_code")),
    )


def downgrade() -> None:
    op.drop_table("registration_counters")
    op.drop_index("ix_unit_certifications_status", table_name="unit_certifications")
    op.drop_index("ix_unit_certifications_credit_code", table_name="unit_certifications")
    op.drop_table("unit_certifications")
