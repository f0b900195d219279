"""dingtalk: inbound callbacks already handled

Revision ID: 0002_dingtalk
Revises: 0001_foundation
Create Date: 2026-11-22 05:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002_dingtalk'
down_revision: str | None = '0001_foundation'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('dingtalk_inbound',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('message_id', sa.String(length=128), nullable=False),
    sa.Column('reply', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dingtalk_inbound')),
    sa.UniqueConstraint('key', name=op.f('uq_dingtalk_inbound_key'))
    )


def downgrade() -> None:
    op.drop_table('dingtalk_inbound')
