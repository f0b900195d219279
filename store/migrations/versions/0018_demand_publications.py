"""demand publications

Revision ID: 0018_demand_publications
Revises: 0015_follow_ups
Create Date: 2026-11-22 10:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0018_demand_publications"
down_revision: str | None = "0017_project_registrations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
LIVE = sa.text("status IN ('open', 'accepted')")


def upgrade() -> None:
    op.create_table('demand_publications',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('demand_id', ID, nullable=False),
    sa.Column('publisher_institution_id', ID, nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('fee_ratio_bp', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('letter_version', sa.String(length=32), nullable=False),
    sa.Column('published_by', ID, nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_institution_id', ID, nullable=True),
    sa.Column('accepted_by', ID, nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('letter_sha256', sa.String(length=64), nullable=True),
    sa.Column('previous_staff_account_id', ID, nullable=True),
    sa.ForeignKeyConstraint(['accepted_by'], ['accounts.id'], name=op.f('fk_demand_publications_accepted_by_accounts')),
    sa.ForeignKeyConstraint(['accepted_institution_id'], ['institutions.id'],
                            name=op.f('fk_demand_publications_accepted_institution_id_institutions')),
    sa.ForeignKeyConstraint(['demand_id'], ['demands.id'], name=op.f('fk_demand_publications_demand_id_demands')),
    sa.ForeignKeyConstraint(['previous_staff_account_id'], ['accounts.id'],
                            name=op.f('fk_demand_publications_previous_staff_account_id_accounts')),
    sa.ForeignKeyConstraint(['published_by'], ['accounts.id'], name=op.f('fk_demand_publications_published_by_accounts')),
    sa.ForeignKeyConstraint(['publisher_institution_id'], ['institutions.id'],
                            name=op.f('fk_demand_publications_publisher_institution_id_institutions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demand_publications'))
    )
    with op.batch_alter_table('demand_publications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demand_publications_accepted_institution_id'), ['accepted_institution_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_demand_publications_demand_id'), ['demand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_demand_publications_publisher_institution_id'),
                              ['publisher_institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_demand_publications_status'), ['status'], unique=False)
        batch_op.create_index('uq_demand_publications_live', ['demand_id'], unique=True,
                              postgresql_where=LIVE, sqlite_where=LIVE)

    op.create_table('demand_publication_targets',
    sa.Column('publication_id', ID, nullable=False),
    sa.Column('institution_id', ID, nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'],
                            name=op.f('fk_demand_publication_targets_institution_id_institutions')),
    sa.ForeignKeyConstraint(['publication_id'], ['demand_publications.id'],
                            name=op.f('fk_demand_publication_targets_publication_id_demand_publications')),
    sa.PrimaryKeyConstraint('publication_id', 'institution_id', name=op.f('pk_demand_publication_targets'))
    )
    with op.batch_alter_table('demand_publication_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demand_publication_targets_institution_id'), ['institution_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('demand_publication_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demand_publication_targets_institution_id'))
    op.drop_table('demand_publication_targets')
    with op.batch_alter_table('demand_publications', schema=None) as batch_op:
        batch_op.drop_index('uq_demand_publications_live')
        batch_op.drop_index(batch_op.f('ix_demand_publications_status'))
        batch_op.drop_index(batch_op.f('ix_demand_publications_publisher_institution_id'))
        batch_op.drop_index(batch_op.f('ix_demand_publications_demand_id'))
        batch_op.drop_index(batch_op.f('ix_demand_publications_accepted_institution_id'))
    op.drop_table('demand_publications')
