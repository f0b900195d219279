"""Demands in the actor's scope, most recently changed first, optionally of one status."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from handlers.demands.scope import require_demands, visible_demands
from handlers.demands.views import DemandRow, row
from handlers.errors import InvalidInput
from handlers.organisation.actors import load_actor
from handlers.organisation.pages import Page, PageRequest
from store.models.demands import Demand, DemandStatus
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ListDemands:
    actor_id: int
    page: PageRequest = PageRequest()
    status: str | None = None


async def list_demands(cmd: ListDemands, uow: UnitOfWork) -> Page[DemandRow]:
    req = cmd.page.checked()
    if cmd.status is not None and cmd.status not in set(DemandStatus):
        raise InvalidInput("需求状态无效", code="invalid_status")
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        require_demands(actor)
        where = await visible_demands(uow, actor)
        if cmd.status is not None:
            where = where & (Demand.status == cmd.status)
        total = await uow.session.scalar(select(func.count()).select_from(Demand).where(where))
        rows = await uow.session.scalars(select(Demand).where(where).order_by(Demand.updated_at.desc(),
                                                                              Demand.id.desc())
                                         .offset(req.offset).limit(req.page_size))
        items = tuple(row(d) for d in rows)
    return Page(items, total or 0, req.page, req.page_size)
