"""The points ledger summed per UTC day and unit (`point_days`): derived from the events and entries, for the
monitors' long periods (a province's year is a million entries; its days are a few hundred thousand rows fewer).

Two ways to the same rows, and tests hold them equal: `add_fact` in the transaction that records a fact (its
event and entry), and `derive_days` from the rows at any time (a points rebuild, the migration, a history
written straight into the tables). The day is UTC so the rollup does not depend on the business timezone: a
period's local-midnight edges cut a UTC day, and the monitors read those partial days from the rows.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, literal, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Date, Integer

from store.base import table_of
from store.models.points import PointDay, PointEntry, PointEvent, PointEventKind

_DAYS = table_of(PointDay)
# What a fact of each kind adds to the counts (when it names its demand or project).
_COUNTED = {PointEventKind.PROJECT_REGISTERED: "deals", PointEventKind.DEMAND_APPROVED: "demands_found"}


def utc_day_of(at: datetime) -> date:
    return at.astimezone(UTC).date()


class utc_day(FunctionElement[date]):  # noqa: N801  (an SQL function's name)
    """The UTC calendar day of a stored timestamp, on either backend."""

    type = Date()
    inherit_cache = True
    name = "utc_day"


@compiles(utc_day, "sqlite")
def _utc_day_sqlite(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    (at,) = (compiler.process(c, **kw) for c in element.clauses)
    return f"date({at})"  # stored as naive UTC text


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    (at,) = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(({at} AT TIME ZONE 'UTC') AS DATE)"


async def add_fact(session: AsyncSession, event: PointEvent, entry: PointEntry | None) -> None:
    """Add a newly recorded fact and the entry it earned (None: nothing) to their days. The entry counts under
    its own institution and centre (a compensation: the credit's), on the day of its event."""
    day = utc_day_of(event.occurred_at)
    deltas: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: {"points": 0, "deals": 0, "demands_found": 0})
    counted = _COUNTED.get(event.kind)
    key = event.project_id if event.kind == PointEventKind.PROJECT_REGISTERED else event.demand_id
    if counted is not None and key is not None:
        deltas[(event.institution_id, event.centre_id)][counted] += 1
    if entry is not None and entry.points:
        deltas[(entry.institution_id, entry.centre_id)]["points"] += entry.points
    dialect = session.get_bind().dialect.name
    upsert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for (institution, centre), d in sorted(deltas.items()):  # one lock order across writers
        stmt = upsert(_DAYS).values(day=day, institution_id=institution, centre_id=centre, **d)
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=[_DAYS.c.day, _DAYS.c.institution_id, _DAYS.c.centre_id],
                set_={c: _DAYS.c[c] + stmt.excluded[c] for c in d},
            )
        )


def days_from_rows() -> Any:
    """`SELECT day, institution_id, centre_id, points, deals, demands_found` computed from the events and entries:
    the definition of the rollup, which `derive_days` writes and tests compare the table with."""
    zero = literal(0, Integer)
    entries = (
        select(
            utc_day(PointEvent.occurred_at).label("day"),
            PointEntry.institution_id.label("institution_id"),
            PointEntry.centre_id.label("centre_id"),
            PointEntry.points.label("points"),
            zero.label("deals"),
            zero.label("demands_found"),
        )
        .select_from(PointEntry)
        .join(PointEvent, PointEvent.id == PointEntry.event_id)
    )
    deals = _counted(PointEventKind.PROJECT_REGISTERED, PointEvent.project_id, zero, literal(1, Integer))
    found = _counted(PointEventKind.DEMAND_APPROVED, PointEvent.demand_id, zero, zero)
    rows = union_all(entries, deals, found).subquery()
    return (
        select(
            rows.c.day,
            rows.c.institution_id,
            rows.c.centre_id,
            func.sum(rows.c.points),
            func.sum(rows.c.deals),
            func.sum(rows.c.demands_found),
        )
        .group_by(rows.c.day, rows.c.institution_id, rows.c.centre_id)
        .order_by(rows.c.day, rows.c.institution_id, rows.c.centre_id)
    )


def _counted(kind: PointEventKind, key: Any, zero: Any, is_deal: Any) -> Any:
    one = literal(1, Integer)
    return select(
        utc_day(PointEvent.occurred_at),
        PointEvent.institution_id,
        PointEvent.centre_id,
        zero,
        is_deal,
        one - is_deal,
    ).where(PointEvent.kind == kind, key.is_not(None))


async def derive_days(session: AsyncSession) -> None:
    """Replace the rollup with what the ledger's rows give; the caller holds the ledger still (a points rebuild's
    lock) or knows nothing records meanwhile."""
    await session.execute(delete(PointDay))
    derived = days_from_rows().order_by(None)
    columns = ["day", "institution_id", "centre_id", "points", "deals", "demands_found"]
    await session.execute(insert(_DAYS).from_select(columns, derived))
