"""Totals per staff member, centre or institution over the entries the actor sees, highest first.

A departed staff member keeps their points: entries are credited by account, with the institution and
centre of the time they were earned."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select

from handlers.organisation.actors import load_actor
from handlers.organisation.pages import Page, PageRequest
from handlers.points.scope import require_points_reader, visible_entries
from store.models.organisation import Account, Centre, Institution
from store.models.points import PointEntry
from store.uow import UnitOfWork


class RankBy(StrEnum):
    STAFF = "staff"
    CENTRE = "centre"
    INSTITUTION = "institution"


@dataclass(frozen=True)
class RankPoints:
    actor_id: int
    by: RankBy = RankBy.STAFF
    page: PageRequest = PageRequest()


@dataclass(frozen=True)
class PointsTotal:
    rank: int
    id: int  # the account, centre or institution
    name: str
    points: int
    entries: int


_GROUPS = {
    RankBy.STAFF: (PointEntry.account_id, Account, Account.id, Account.name),
    RankBy.CENTRE: (PointEntry.centre_id, Centre, Centre.id, Centre.name),
    RankBy.INSTITUTION: (PointEntry.institution_id, Institution, Institution.id, Institution.name),
}


async def rank_points(cmd: RankPoints, uow: UnitOfWork) -> Page[PointsTotal]:
    req = cmd.page.checked()
    key, table, table_id, name = _GROUPS[cmd.by]
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        require_points_reader(actor)
        where = visible_entries(actor)
        groups = await uow.session.scalar(select(func.count(func.distinct(key))).where(where))
        points = func.sum(PointEntry.points)
        rows = await uow.session.execute(
            select(key, name, points, func.count())
            .select_from(PointEntry)
            .join(table, table_id == key)
            .where(where)
            .group_by(key, name)
            .order_by(points.desc(), key)
            .offset(req.offset)
            .limit(req.page_size)
        )
        items = tuple(
            PointsTotal(req.offset + n + 1, group_id, group_name, int(total), int(count))
            for n, (group_id, group_name, total, count) in enumerate(rows)
        )
    return Page(items, groups or 0, req.page, req.page_size)
