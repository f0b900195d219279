"""The owner or the institution's admin closes a demand that will not go further; a reason is kept."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.demands.access import is_owner, locked, manages
from handlers.demands.scope import require_demand_in_scope
from handlers.demands.states import Step, next_status
from handlers.demands.timeline import step
from handlers.errors import Forbidden, InvalidInput
from handlers.organisation.actors import load_actor
from handlers.publications.access import end_open_offer
from store.models.demands import DemandStatus
from store.uow import UnitOfWork


@dataclass(frozen=True)
class CloseDemand:
    actor_id: int
    demand_id: int
    reason: str


async def close_demand(cmd: CloseDemand, uow: UnitOfWork) -> None:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        demand = await locked(uow, cmd.demand_id)
        if not (is_owner(actor, demand) or manages(actor, demand)):
            await require_demand_in_scope(uow, actor, demand.id)
            raise Forbidden("只有需求的提交人或机构管理员可以关闭需求")
        reason = cmd.reason.strip()
        if not reason:
            raise InvalidInput("请填写关闭原因", code="reason_required")
        before = demand.status
        demand.status = next_status(Step.CLOSE, before)
        demand.updated_at = uow.clock.now()
        await step(uow, demand, Step.CLOSE, before, actor=actor.label, note=reason)
        if before == DemandStatus.PUBLISHED:
            await end_open_offer(uow, demand.id, demand.updated_at)
        await uow.commit()
