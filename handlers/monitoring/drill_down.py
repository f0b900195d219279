"""The rows behind one figure: the demands, projects, follow-ups, point entries or reviews it counts, newest
first, from the same fact query the figure aggregates (handlers/monitoring/facts.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy import ColumnElement, func, select

from handlers.errors import NotFound
from handlers.monitoring.facts import ROW_KINDS, Measure, facts
from handlers.monitoring.period import Period
from handlers.monitoring.views import GROUP_COLUMN, View, in_regions, monitoring_actor, region_scope, units
from handlers.organisation.actors import load_actor
from handlers.organisation.pages import Page, PageRequest
from handlers.organisation.validation import region_prefix
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
    w = period.window(zone)
    async with uow:
        actor = monitoring_actor(await load_actor(uow, cmd.actor_id), cmd.view)
        f = facts(cmd.measure, w).subquery()
        if cmd.view == View.OVERVIEW:
            code = f"{cmd.unit_id:06d}"
            scope = region_scope(actor)
            if len(code) != 6 or (scope is not None and not any(code.startswith(region_prefix(s)) for s in scope)):
                raise NotFound("未找到该地区")
            where: ColumnElement[bool] = in_regions(f.c.region_code, [code]) & in_regions(f.c.region_code, scope)
        else:
            listed = units(actor, cmd.view, w)
            # Out of scope reads as missing, so guessing ids reveals nothing.
            if await uow.session.scalar(listed.where(listed.selected_columns[0] == cmd.unit_id).limit(1)) is None:
                raise NotFound("未找到该监测对象")
            where = f.c[GROUP_COLUMN[cmd.view]] == cmd.unit_id
        total = await uow.session.scalar(select(func.count()).select_from(f).where(where))
        rows = await uow.session.execute(
            select(f.c.ref_id, f.c.code, f.c.title, f.c.at, f.c.value, f.c.key)
            .where(where)
            .order_by(f.c.at.desc(), f.c.ref_id.desc())
            .offset(req.offset)
            .limit(req.page_size)
        )
        kind = ROW_KINDS[cmd.measure]
        items = tuple(
            FactRow(kind, int(ref), code or "", title or "", at, int(value), int(key))
            for ref, code, title, at, value, key in rows
        )
    return Page(items, total or 0, req.page, req.page_size)
