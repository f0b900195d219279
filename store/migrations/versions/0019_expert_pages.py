"""expert pages: technologies and dockings

Revision ID: 0019_expert_pages
Revises: 0015_follow_ups
Create Date: 2026-11-22 10:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0019_expert_pages"
down_revision: str | None = "0018_demand_publications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('expert_technologies',
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('expert_id', _ID, nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('field_codes', sa.JSON(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('maturity', sa.String(length=16), nullable=False),
    sa.Column('cooperation_mode', sa.String(length=24), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_expert_technologies_expert_id_experts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_technologies'))
    )
    with op.batch_alter_table('expert_technologies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_technologies_expert_id'), ['expert_id'], unique=False)

    op.create_table('expert_dockings',
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('expert_id', _ID, nullable=False),
    sa.Column('demand_id', _ID, nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('rounds', sa.Integer(), nullable=False),
    sa.Column('card_out_track_id', sa.String(length=128), nullable=True),
    sa.Column('card_userid', sa.String(length=64), nullable=True),
    sa.Column('communicated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('docked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['demand_id'], ['demands.id'], name=op.f('fk_expert_dockings_demand_id_demands')),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_expert_dockings_expert_id_experts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_dockings')),
    sa.UniqueConstraint('expert_id', 'demand_id', name=op.f('uq_expert_dockings_expert_id_demand_id'))
    )
    with op.batch_alter_table('expert_dockings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_dockings_demand_id'), ['demand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_dockings_expert_id'), ['expert_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('expert_dockings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_dockings_expert_id'))
        batch_op.drop_index(batch_op.f('ix_expert_dockings_demand_id'))
    op.drop_table('expert_dockings')
    with op.batch_alter_table('expert_technologies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_technologies_expert_id'))
    op.drop_table('expert_technologies')
