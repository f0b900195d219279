"""kept template reports: a TEMPLATESENDJOBFINISH that came before its msgid was recorded

Revision ID: 0024_kept_template_reports
Revises: 0023_calendar_holiday_schedules
Create Date: 2026-12-06 15:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_kept_template_reports"
down_revision: str | None = "0023_calendar_holiday_schedules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "wechat_template_reports",
        sa.Column("msg_id", sa.String(length=64), nullable=False),
        sa.Column("delivery_status", sa.String(length=32), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("msg_id", name=op.f("pk_wechat_template_reports")),
    )
    # Reports and receipts find their message by the provider's id.
    op.create_index("ix_outbox_provider_message_id", "outbox_messages", ["provider_message_id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_provider_message_id", table_name="outbox_messages")
    op.drop_table("wechat_template_reports")
