"""institution registration: the first registration of a technology-transfer institution (seed 001 §一)

Revision ID: 0032_institution_registration
Revises: 0031_technology_managers
Create Date: 2026-12-06 22:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032_institution_registration"
down_revision: str | None = "0031_technology_managers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "institution_registrations",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("certification_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("registration_number", sa.String(length=32), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_institution_registrations_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["certification_id"],
            ["unit_certifications.id"],
            name=op.f("fk_institution_registrations_certification_id_unit_certifications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_institution_registrations")),
        sa.UniqueConstraint(
            "registration_number", name=op.f("uq_institution_registrations_registration_number")
        ),
    )
    op.create_index("ix_institution_registrations_account_id", "institution_registrations", ["account_id"])
    op.create_index("ix_institution_registrations_status", "institution_registrations", ["status"])


def downgrade() -> None:
    op.drop_index("ix_institution_registrations_status", table_name="institution_registrations")
    op.drop_index("ix_institution_registrations_account_id", table_name="institution_registrations")
    op.drop_table("institution_registrations")
