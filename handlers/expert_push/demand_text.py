"""A demand as the ranking reads it, and the demand's pushable state."""

from __future__ import annotations

from handlers.demands.access import locked
from handlers.demands.scope import require_demands
from handlers.demands.states import Step, next_status
from handlers.expert_push.access import require_pusher
from handlers.expert_push.ranking import DemandText
from handlers.organisation.actors import Actor
from store.models.demands import Demand
from store.uow import UnitOfWork


def demand_text(demand: Demand) -> DemandText:
    return DemandText(tuple(demand.tech_fields or ()), demand.region_code, f"{demand.title}\n{demand.description}")


async def pushable_demand(uow: UnitOfWork, actor: Actor, demand_id: int) -> Demand:
    """The demand under its row lock, once the actor may push it and it is in docking or published."""
    require_demands(actor)
    demand = await locked(uow, demand_id)
    await require_pusher(uow, actor, demand)
    next_status(Step.PUSH_EXPERTS, demand.status)  # 409 illegal_transition unless 对接中 or 已公开
    return demand
