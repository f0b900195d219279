"""monitoring rollup: the points ledger summed per UTC day and unit (point_days), filled from the ledger

Revision ID: 0035_monitoring_rollup
Revises: 0032_institution_registration
Create Date: 2026-12-07 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0035_monitoring_rollup"
down_revision: str | None = "0034_manager_import"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# The definition of handlers/points/daily.py::days_from_rows, spelled out: a migration does not import use cases.
_FILL = """
INSERT INTO point_days (day, institution_id, centre_id, points, deals, demands_found)
SELECT day, institution_id, centre_id, SUM(points), SUM(deals), SUM(demands_found) FROM (
    SELECT {day} AS day, point_entries.institution_id, point_entries.centre_id, point_entries.points,
        0 AS deals, 0 AS demands_found
    FROM point_entries JOIN point_events ON point_events.id = point_entries.event_id
    UNION ALL
    SELECT {day}, institution_id, centre_id, 0, 1, 0 FROM point_events
    WHERE kind = 'project_registered' AND project_id IS NOT NULL
    UNION ALL
    SELECT {day}, institution_id, centre_id, 0, 0, 1 FROM point_events
    WHERE kind = 'demand_approved' AND demand_id IS NOT NULL
) AS facts
GROUP BY day, institution_id, centre_id
"""


def upgrade() -> None:
    op.create_table(
        "point_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("institution_id", ID, nullable=False),
        sa.Column("centre_id", ID, nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("deals", sa.Integer(), nullable=False),
        sa.Column("demands_found", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "institution_id", "centre_id", name=op.f("pk_point_days")),
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    day = "date(point_events.occurred_at)" if sqlite else "CAST((point_events.occurred_at AT TIME ZONE 'UTC') AS DATE)"
    op.execute(_FILL.format(day=day))


def downgrade() -> None:
    op.drop_table("point_days")
