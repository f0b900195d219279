"""Where a figure is summed from: the fact rows (handlers/monitoring/facts.py), or for the points ledger's measures
over a long period the rollup's whole UTC days (handlers/points/daily.py) plus the rows of the partial days at the
period's local-midnight edges. Both give the same numbers: the rollup is the rows summed by day and unit.

A source is a subquery with the fact columns the figures group by (institution_id, centre_id, account_id,
region_code) and the aggregate giving the figure over it."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, Subquery, distinct, exists, func, null, select, text, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import cast

from handlers.demands.states import Step
from handlers.monitoring.facts import SUMMED, Measure, facts
from handlers.monitoring.period import Window
from store.models.demands import Demand, DemandEvent
from store.models.organisation import Centre
from store.models.points import PointDay

# The rollup column of each measure it holds.
ROLLED = {Measure.POINTS: PointDay.points, Measure.DEALS: PointDay.deals, Measure.DEMANDS_FOUND: PointDay.demands_found}
_COLUMNS = ("institution_id", "centre_id", "account_id", "region_code")


def aggregate(measure: Measure, f: Any) -> ColumnElement[Any]:
    """A figure over fact rows: a sum of points, else a distinct count of what the measure counts."""
    if measure in SUMMED:
        return func.coalesce(func.sum(f.c.value), 0)
    return func.count(distinct(f.c.key))


def source(measure: Measure, w: Window, group: str | None = None) -> tuple[Subquery, ColumnElement[Any]]:
    """The rows to aggregate for a measure, grouped by `group` (None: by region). The rollup carries no account,
    so the staff view reads the rows."""
    days = whole_days(w)
    if measure in ROLLED and group != "account_id" and days is not None:
        return _rolled(measure, w, *days)
    if measure == Measure.DEMANDS_DOCKED:
        f = _docked(w).subquery()
        return f, func.count(f.c.key)  # one row per demand already
    f = facts(measure, w).subquery()
    return f, aggregate(measure, f)


def whole_days(w: Window) -> tuple[datetime, datetime] | None:
    """The UTC midnights bounding the whole UTC days inside the window, or None when there is none."""
    first = datetime.combine(w.start.astimezone(UTC).date(), time(), UTC)
    if first < w.start:
        first += timedelta(days=1)
    end = datetime.combine(w.after.astimezone(UTC).date(), time(), UTC)
    return (first, end) if first < end else None


def _rolled(measure: Measure, w: Window, first: datetime, end: datetime) -> tuple[Subquery, ColumnElement[Any]]:
    days = (
        select(
            ROLLED[measure].label("value"),
            PointDay.institution_id.label("institution_id"),
            PointDay.centre_id.label("centre_id"),
            cast(null(), Integer).label("account_id"),
            Centre.region_code.label("region_code"),
        )
        .join(Centre, Centre.id == PointDay.centre_id)  # as the fact rows join it: a unit's region today
        .where(PointDay.day >= first.date(), PointDay.day < end.date())
    )
    parts: list[Any] = [days]
    for start, after in ((w.start, first), (end, w.after)):
        if start < after:  # a partial UTC day at an edge: its rows, each a thing counted once (or its points)
            e = facts(measure, Window(start, after, w.last_day)).subquery()
            parts.append(select(e.c.value, *(e.c[c] for c in _COLUMNS)).where(e.c.key.is_not(None)))
    f = union_all(*parts).subquery()
    return f, func.coalesce(func.sum(f.c.value), 0)


def _docked(w: Window) -> Any:
    """The demands docked in the period, one row each (the fact rows repeat a demand approved twice): the same
    demands as facts.py's rows, counted without a distinct over the events."""
    approved = exists().where(
        DemandEvent.demand_id == Demand.id,
        DemandEvent.action == str(Step.APPROVE),
        DemandEvent.at >= w.start,
        DemandEvent.at < w.after,
    )
    return (
        select(
            Demand.id.label("key"),
            Demand.institution_id.label("institution_id"),
            Demand.centre_id.label("centre_id"),
            Demand.staff_account_id.label("account_id"),
            Centre.region_code.label("region_code"),
        )
        .outerjoin(Centre, Centre.id == Demand.centre_id)
        .where(approved)
    )


async def plan_each_period(session: AsyncSession) -> None:
    """On PostgreSQL, plan this transaction's statements for the bounds given, every time. The driver prepares
    each statement once per connection, and after five runs PostgreSQL may keep a generic plan made without the
    period's bounds or the region prefix: for a year of a province that plan (nested loops over every row) took
    seconds where the plan for the values takes a tenth of it (bench/monitoring.py)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
