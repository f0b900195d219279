"""holiday schedules loaded by the system admin

Revision ID: 0023_calendar_holiday_schedules
Revises: 0022_outbox_ordering_keys
Create Date: 2026-12-06 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0023_calendar_holiday_schedules"
down_revision: str | None = "0022_outbox_ordering_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('holiday_schedules',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('loaded_by', sa.String(length=64), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_holiday_schedules'))
    )


def downgrade() -> None:
    op.drop_table('holiday_schedules')
