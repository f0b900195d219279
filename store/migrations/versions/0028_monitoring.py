"""monitoring: indexes for the period scans behind the figures (approvals, point facts, visits, decided reviews)

Revision ID: 0028_monitoring
Revises: 0027_review_deadlines
Create Date: 2026-12-06 22:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0028_monitoring"
down_revision: str | None = "0027_review_deadlines"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = (
    ("ix_point_events_kind_occurred_at", "point_events", ["kind", "occurred_at"]),
    ("ix_point_events_occurred_at", "point_events", ["occurred_at"]),
    ("ix_demand_events_action_at", "demand_events", ["action", "at"]),
    ("ix_demand_follow_ups_kind_occurred_at", "demand_follow_ups", ["kind", "occurred_at"]),
    ("ix_reviews_decided_at", "reviews", ["decided_at"]),
)


def upgrade() -> None:
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
