"""The owner withdraws a demand under review back to a draft."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.demands.access import locked, require_owner
from handlers.demands.states import Step, next_status
from handlers.demands.timeline import step
from handlers.errors import NotFound
from handlers.organisation.actors import load_actor
from handlers.reviews.withdraw_review import withdraw_review
from store.models.demands import Demand
from store.uow import UnitOfWork


@dataclass(frozen=True)
class WithdrawDemand:
    actor_id: int
    demand_id: int


async def withdraw_demand(cmd: WithdrawDemand, uow: UnitOfWork) -> None:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        demand = await uow.session.get(Demand, cmd.demand_id)
        if demand is None:
            raise NotFound("未找到该需求")
        await require_owner(uow, actor, demand)
        next_status(Step.WITHDRAW, demand.status)
        # The review row first, then the demand: the order a reviewer's decision takes, so the two never
        # wait on each other; whichever updates the review first wins.
        await withdraw_review(uow, "demand", demand.id, actor=actor.label)
        demand = await locked(uow, cmd.demand_id)
        await uow.session.refresh(demand)
        before = demand.status
        demand.status = next_status(Step.WITHDRAW, before)
        demand.updated_at = uow.clock.now()
        await step(uow, demand, Step.WITHDRAW, before, actor=actor.label)
        await uow.commit()
