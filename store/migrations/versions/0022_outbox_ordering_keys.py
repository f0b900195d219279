"""outbox ordering keys: the messages for one card or one to-do go out in order

Revision ID: 0022_outbox_ordering_keys
Revises: 0021_enterprise_manual_entry
Create Date: 2026-12-06 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0022_outbox_ordering_keys"
down_revision: str | None = "0021_enterprise_manual_entry"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ordering_key', sa.String(length=160), nullable=True))
        batch_op.create_index('ix_outbox_ordering', ['ordering_key', 'id'], unique=False)
    # Cards already queued keep their place ahead of the updates that follow them.
    op.execute("UPDATE outbox_messages SET ordering_key = 'card:' || platform_key "
               "WHERE channel = 'dingtalk.card' AND platform_key IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_ordering')
        batch_op.drop_column('ordering_key')
