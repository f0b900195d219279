"""project registrations

Revision ID: 0017_project_registrations
Revises: 0015_follow_ups
Create Date: 2026-11-22 10:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0017_project_registrations"
down_revision: str | None = "0016_expert_pushes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('project_registrations',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('demand_id', ID, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('leader', sa.String(length=32), nullable=False),
    sa.Column('members', sa.JSON(), nullable=False),
    sa.Column('undertaking_unit', sa.String(length=100), nullable=False),
    sa.Column('entity_type', sa.String(length=32), nullable=False),
    sa.Column('cooperation_mode', sa.String(length=32), nullable=False),
    sa.Column('contract_file_id', ID, nullable=False),
    sa.Column('fee_ratio_bp', sa.Integer(), nullable=False),
    sa.Column('expected_fee_fen', sa.BigInteger(), nullable=False),
    sa.Column('registered_by', ID, nullable=False),
    sa.Column('credited_account_id', ID, nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fee_proof_file_id', ID, nullable=True),
    sa.Column('fee_paid_fen', sa.BigInteger(), nullable=True),
    sa.Column('fee_paid_on', sa.Date(), nullable=True),
    sa.Column('fee_proof_by', ID, nullable=True),
    sa.Column('fee_proof_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('fee_flag', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['contract_file_id'], ['stored_files.id'],
                            name=op.f('fk_project_registrations_contract_file_id_stored_files')),
    sa.ForeignKeyConstraint(['credited_account_id'], ['accounts.id'],
                            name=op.f('fk_project_registrations_credited_account_id_accounts')),
    sa.ForeignKeyConstraint(['demand_id'], ['demands.id'], name=op.f('fk_project_registrations_demand_id_demands')),
    sa.ForeignKeyConstraint(['fee_proof_by'], ['accounts.id'],
                            name=op.f('fk_project_registrations_fee_proof_by_accounts')),
    sa.ForeignKeyConstraint(['fee_proof_file_id'], ['stored_files.id'],
                            name=op.f('fk_project_registrations_fee_proof_file_id_stored_files')),
    sa.ForeignKeyConstraint(['registered_by'], ['accounts.id'],
                            name=op.f('fk_project_registrations_registered_by_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_registrations')),
    sa.UniqueConstraint('demand_id', name=op.f('uq_project_registrations_demand_id'))
    )
    with op.batch_alter_table('project_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_registrations_credited_account_id'), ['credited_account_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_project_registrations_fee_flag'), ['fee_flag'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('project_registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_registrations_fee_flag'))
        batch_op.drop_index(batch_op.f('ix_project_registrations_credited_account_id'))
    op.drop_table('project_registrations')
