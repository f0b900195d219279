"""The owner sends a draft or a returned demand (edited or not) to review: a new review round."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.demands import fields as f
from handlers.demands.access import locked, require_owner
from handlers.demands.policy import DemandPolicy
from handlers.demands.review import enter_review
from handlers.demands.states import Step, next_status
from handlers.demands.timeline import step
from handlers.organisation.actors import load_actor
from store.models.demands import DemandStatus
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ResubmitDemand:
    actor_id: int
    demand_id: int


async def resubmit_demand(cmd: ResubmitDemand, uow: UnitOfWork, policy: DemandPolicy) -> int:
    """The new review's id."""
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        demand = await locked(uow, cmd.demand_id)
        await require_owner(uow, actor, demand)
        before = demand.status
        if before == DemandStatus.DRAFT:  # a draft was saved unchecked: the whole form now
            clean = f.clean(f.of(demand), uow.clock.now().astimezone(policy.zone).date())
            await f.check_fee_ratio(uow, clean.fee_ratio_bp, demand.institution_id, policy.fee_floor_bp)
        demand.status = next_status(Step.SUBMIT, before)
        demand.updated_at = uow.clock.now()
        await step(uow, demand, Step.SUBMIT, before, actor=actor.label)
        review = await enter_review(uow, demand, policy)
        await uow.commit()
        return review.id
