"""One demand with its timeline."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.demands.pool import pool_visible
from handlers.demands.scope import require_demands, visible_demands
from handlers.demands.views import DemandDetail, detail
from handlers.errors import NotFound
from handlers.organisation.actors import load_actor
from store.models.demands import Demand, DemandEvent
from store.uow import UnitOfWork


@dataclass(frozen=True)
class GetDemand:
    actor_id: int
    demand_id: int


async def get_demand(cmd: GetDemand, uow: UnitOfWork) -> DemandDetail:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        require_demands(actor)
        seen = (await visible_demands(uow, actor)) | await pool_visible(uow, actor)
        demand = await uow.session.scalar(select(Demand).where(Demand.id == cmd.demand_id, seen))
        if demand is None:
            raise NotFound("未找到该需求")
        events = list(await uow.session.scalars(select(DemandEvent).where(DemandEvent.demand_id == demand.id)
                                                .order_by(DemandEvent.id)))
        return detail(demand, events)
