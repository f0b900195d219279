"""kept contact events: DingTalk contact events stored before their ack, applied after, replayable

Revision ID: 0025_kept_contact_events
Revises: 0024_kept_template_reports
Create Date: 2026-12-06 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025_kept_contact_events"
down_revision: str | None = "0024_kept_template_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dingtalk_contact_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("message_id", sa.String(length=128), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dingtalk_contact_events")),
    )
    op.create_index("ix_dingtalk_contact_events_status", "dingtalk_contact_events", ["status"])


def downgrade() -> None:
    op.drop_index("ix_dingtalk_contact_events_status", table_name="dingtalk_contact_events")
    op.drop_table("dingtalk_contact_events")
