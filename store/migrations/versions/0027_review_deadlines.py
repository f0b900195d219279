"""review deadlines: review clock events, the current stage's due date, reminder sent-marks

Revision ID: 0027_review_deadlines
Revises: 0026_demand_numbers
Create Date: 2026-12-06 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027_review_deadlines"
down_revision: str | None = "0026_demand_numbers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("reviews") as batch:
        batch.add_column(sa.Column("clock_since", sa.Date(), nullable=True))
        batch.add_column(sa.Column("clock_used", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("due_on", sa.Date(), nullable=True))
    op.create_index("ix_reviews_due_on", "reviews", ["due_on"])
    op.create_table(
        "review_events",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("review_id", ID, nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("on_day", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(["review_id"], ["reviews.id"], name=op.f("fk_review_events_review_id_reviews")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_events")),
    )
    op.create_index("ix_review_events_review_id", "review_events", ["review_id"])
    op.create_table(
        "review_reminder_marks",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("task_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"], ["review_tasks.id"], name=op.f("fk_review_reminder_marks_task_id_review_tasks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_reminder_marks")),
        sa.UniqueConstraint("task_id", "kind", "due_on", name=op.f("uq_review_reminder_marks_task_id_kind_due_on")),
    )


def downgrade() -> None:
    op.drop_table("review_reminder_marks")
    op.drop_index("ix_review_events_review_id", table_name="review_events")
    op.drop_table("review_events")
    op.drop_index("ix_reviews_due_on", table_name="reviews")
    # Dropped in place (SQLite >= 3.35 has DROP COLUMN): a batch rebuild of `reviews` fails on SQLite while
    # review_tasks and demands refer to it.
    for column in ("due_on", "clock_used", "clock_since"):
        op.drop_column("reviews", column)
