"""The rows behind one figure: the demands, projects, follow-ups, point entries or reviews it counts, newest
first, from the same fact query the figure aggregates (handlers/monitoring/facts.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, func, select

from handlers.errors import NotFound
from handlers.monitoring.as_of import as_of
from handlers.monitoring.facts import ROW_KINDS, Measure, facts
from handlers.monitoring.period import Period, Window
from handlers.monitoring.sources import plan_each_period
from handlers.monitoring.views import GROUP_COLUMN, View, in_regions, monitoring_actor, region_scope, units
from handlers.organisation.actors import load_actor
from handlers.organisation.pages import Page, PageRequest
from handlers.organisation.scope import within_region
from store.transaction import Transaction
from store.uow import UnitOfWork


@dataclass(frozen=True)
class DrillDown:
    actor_id: int
    view: View
    unit_id: int
    measure: Measure
    period: Period
    page: PageRequest = PageRequest()


@dataclass(frozen=True)
class FactRow:
    kind: str  # demand, project, follow_up, point_entry, review, staff_member, expert, centre
    id: int
    code: str  # a demand's number, a review's chain, a point entry's rule…
    title: str
    at: datetime
    value: int  # what the row adds: 1, or an entry's points
    counted_as: int  # the thing counted distinct (a demand, an enterprise…): rows sharing it count once


async def drill_down(cmd: DrillDown, uow: UnitOfWork, zone: tzinfo) -> Page[FactRow]:
    period = cmd.period.checked()
    req = cmd.page.checked()
    async with uow:
        f, where = await behind(uow, cmd, period.window(zone))
        total = await uow.session.scalar(select(func.count()).select_from(f).where(where))
        rows = await uow.session.execute(ordered(f, where).offset(req.offset).limit(req.page_size))
        items = tuple(fact_row(cmd.measure, row) for row in rows)
    return Page(items, total or 0, req.page, req.page_size)


async def behind(uow: Transaction, cmd: DrillDown, w: Window) -> tuple[Subquery, ColumnElement[bool]]:
    """The measure's fact rows and the condition picking the unit's; a unit outside the caller's scope is
    not found, as a missing one is, so guessing ids reveals nothing."""
    actor = monitoring_actor(await load_actor(uow, cmd.actor_id), cmd.view)
    await plan_each_period(uow.session)
    if cmd.measure == Measure.REVIEWS_OVERDUE:
        w = await as_of(uow.session, w)
    f = facts(cmd.measure, w).subquery()
    if cmd.view == View.OVERVIEW:
        code = f"{cmd.unit_id:06d}"
        scope = region_scope(actor)
        if len(code) != 6 or (scope is not None and not any(within_region(code, s) for s in scope)):
            raise NotFound("未找到该地区")
        return f, in_regions(f.c.region_code, [code]) & in_regions(f.c.region_code, scope)
    listed = units(actor, cmd.view, w)
    if await uow.session.scalar(listed.where(listed.selected_columns[0] == cmd.unit_id).limit(1)) is None:
        raise NotFound("未找到该监测对象")
    return f, f.c[GROUP_COLUMN[cmd.view]] == cmd.unit_id


def ordered(f: Subquery, where: ColumnElement[bool]) -> Select[Any]:
    """Newest first; the row id breaks ties, so pages never overlap."""
    return (
        select(f.c.ref_id, f.c.code, f.c.title, f.c.at, f.c.value, f.c.key)
        .where(where)
        .order_by(f.c.at.desc(), f.c.ref_id.desc())
    )


def fact_row(measure: Measure, row: Any) -> FactRow:
    ref, code, title, at, value, key = row
    return FactRow(ROW_KINDS[measure], int(ref), code or "", title or "", at, int(value), int(key))
