"""indicators: monitoring dimensions declared as versioned data; weekly monitoring reports

Revision ID: 0030_indicators
Revises: 0029_registration
Create Date: 2026-12-06 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030_indicators"
down_revision: str | None = "0029_registration"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "indicators",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("owner_kind", sa.String(length=16), nullable=False),
        sa.Column("owner_code", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("formula", sa.String(length=200), nullable=False),
        sa.Column("per_100_staff", sa.Boolean(), nullable=False),
        sa.Column("weight", sa.Numeric(6, 2), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("effective_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("declared_by", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators")),
        sa.UniqueConstraint(
            "owner_kind", "owner_code", "key", "version", name=op.f("uq_indicators_owner_kind_owner_code_key_version")
        ),
    )
    op.create_index(op.f("ix_indicators_effective_at"), "indicators", ["effective_at"])
    op.create_table(
        "weekly_reports",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("view", sa.String(length=16), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weekly_reports")),
        sa.UniqueConstraint("week_start", "account_id", name=op.f("uq_weekly_reports_week_start_account_id")),
        sa.UniqueConstraint("token", name=op.f("uq_weekly_reports_token")),
    )


def downgrade() -> None:
    op.drop_table("weekly_reports")
    op.drop_index(op.f("ix_indicators_effective_at"), table_name="indicators")
    op.drop_table("indicators")
