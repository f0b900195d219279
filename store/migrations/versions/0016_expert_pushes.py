"""expert pushes; experts' research fields and region

Revision ID: 0016_expert_pushes
Revises: 0015_follow_ups
Create Date: 2026-11-22 10:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0016_expert_pushes"
down_revision: str | None = '0015_follow_ups'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('research_fields', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('region_code', sa.String(length=6), nullable=True))

    op.create_table('expert_pushes',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('batch', sa.String(length=32), nullable=False),
    sa.Column('demand_id', ID, nullable=False),
    sa.Column('expert_id', ID, nullable=False),
    sa.Column('pushed_by', ID, nullable=False),
    sa.Column('openid', sa.String(length=64), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('outbox_message_id', ID, nullable=True),
    sa.Column('msg_id', sa.String(length=64), nullable=True),
    sa.Column('error', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['demand_id'], ['demands.id'], name=op.f('fk_expert_pushes_demand_id_demands')),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_expert_pushes_expert_id_experts')),
    sa.ForeignKeyConstraint(['pushed_by'], ['accounts.id'], name=op.f('fk_expert_pushes_pushed_by_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_pushes')),
    sa.UniqueConstraint('outbox_message_id', name=op.f('uq_expert_pushes_outbox_message_id'))
    )
    with op.batch_alter_table('expert_pushes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_pushes_batch'), ['batch'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_pushes_demand_id'), ['demand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_pushes_expert_id'), ['expert_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('expert_pushes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_pushes_expert_id'))
        batch_op.drop_index(batch_op.f('ix_expert_pushes_demand_id'))
        batch_op.drop_index(batch_op.f('ix_expert_pushes_batch'))
    op.drop_table('expert_pushes')
    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.drop_column('region_code')
        batch_op.drop_column('research_fields')
