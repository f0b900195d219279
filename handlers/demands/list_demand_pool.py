"""The pool as an institution member sees it: enterprises' demands in the cities where it has a centre."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from handlers.demands.pool import MEMBERS, pool_visible
from handlers.demands.views import DemandRow, row
from handlers.errors import Forbidden
from handlers.organisation.actors import load_actor
from handlers.organisation.pages import Page, PageRequest
from store.models.demands import Demand
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ListDemandPool:
    actor_id: int
    page: PageRequest = PageRequest()


async def list_demand_pool(cmd: ListDemandPool, uow: UnitOfWork) -> Page[DemandRow]:
    req = cmd.page.checked()
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        if not actor.institutions(*MEMBERS):
            raise Forbidden("只有法人机构的成员可以查看揭榜需求")
        where = await pool_visible(uow, actor)
        total = await uow.session.scalar(select(func.count()).select_from(Demand).where(where))
        rows = await uow.session.scalars(select(Demand).where(where).order_by(Demand.id.desc())
                                         .offset(req.offset).limit(req.page_size))
        items = tuple(row(d) for d in rows)
    return Page(items, total or 0, req.page, req.page_size)
