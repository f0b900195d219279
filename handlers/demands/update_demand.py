"""The owner edits a draft or a demand returned for update; resubmitting is a separate step."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.demands import fields as f
from handlers.demands.access import locked, require_owner
from handlers.demands.policy import DEFAULT_POLICY, DemandPolicy
from handlers.demands.states import Step, next_status
from handlers.demands.timeline import step
from handlers.organisation.actors import load_actor
from store.uow import UnitOfWork


@dataclass(frozen=True)
class UpdateDemand:
    actor_id: int
    demand_id: int
    fields: f.DemandFields


async def update_demand(cmd: UpdateDemand, uow: UnitOfWork, policy: DemandPolicy = DEFAULT_POLICY) -> None:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        demand = await locked(uow, cmd.demand_id)
        await require_owner(uow, actor, demand)
        next_status(Step.EDIT, demand.status)
        clean = f.clean(cmd.fields, uow.clock.now().date())
        await f.check_fee_ratio(uow, clean.fee_ratio_bp, demand.institution_id, policy.fee_floor_bp)
        await f.check_attachments(uow, clean.attachment_ids, actor.label,
                                  tuple(int(i) for i in demand.attachment_ids))
        f.apply(demand, clean)
        demand.updated_at = uow.clock.now()
        await step(uow, demand, Step.EDIT, demand.status, actor=actor.label)
        await uow.commit()


