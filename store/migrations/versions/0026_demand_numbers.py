"""demand numbers: a gap-free number per business year (XQ2026-000123), existing demands numbered

Revision ID: 0026_demand_numbers
Revises: 0025_kept_contact_events
Create Date: 2026-12-06 15:10:00.000000
"""

import os
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op


revision: str = "0026_demand_numbers"
down_revision: str | None = "0025_kept_contact_events"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The business timezone the numbering year is read in: Settings.timezone, from the same variable (the migration
# runs without the service's settings object).
ZONE = ZoneInfo(os.environ.get("KEZHUAN_TIMEZONE") or "Asia/Shanghai")


def upgrade() -> None:
    op.create_table(
        "demand_number_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_demand_number_counters")),
    )
    # Added in place, never by rebuilding `demands` (SQLite cannot rebuild a table other rows point at inside a
    # transaction): NOT NULL with an empty default for the moment of the backfill; PostgreSQL then drops the
    # default, SQLite keeps it unused (every demand is created with its number).
    op.add_column("demands", sa.Column("number", sa.String(length=16), nullable=False, server_default=""))
    _backfill()
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("demands", "number", server_default=None)
    op.create_index(op.f("ix_demands_number"), "demands", ["number"], unique=True)


def _backfill() -> None:
    """Existing demands in the order they were created, numbered per year of their creation in Shanghai."""
    bind = op.get_bind()
    demands = sa.table("demands", sa.column("id"), sa.column("created_at"), sa.column("number"))
    counters = sa.table("demand_number_counters", sa.column("year"), sa.column("last"))
    last: dict[int, int] = defaultdict(int)
    rows = bind.execute(sa.select(demands.c.id, demands.c.created_at).order_by(demands.c.created_at, demands.c.id))
    for demand_id, created_at in rows.all():
        if isinstance(created_at, str):  # SQLite hands back text
            created_at = datetime.fromisoformat(created_at)
        if created_at.tzinfo is None:
            created_at = created_at.replace(tzinfo=UTC)
        year = created_at.astimezone(ZONE).year
        last[year] += 1
        bind.execute(sa.update(demands).where(demands.c.id == demand_id).values(number=f"XQ{year}-{last[year]:06d}"))
    if last:
        bind.execute(sa.insert(counters), [{"year": y, "last": n} for y, n in sorted(last.items())])


def downgrade() -> None:
    op.drop_index(op.f("ix_demands_number"), table_name="demands")
    op.drop_column("demands", "number")
    op.drop_table("demand_number_counters")
