"""技术发布: the expert withdraws a published technology (kept, shown to nobody else)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import Conflict
from handlers.expert_channel.access import require_expert
from handlers.expert_channel.technologies import TechnologyView, own_locked, view
from store.models.expert_pages import TechnologyStatus
from store.uow import UnitOfWork


@dataclass(frozen=True)
class WithdrawTechnology:
    actor_id: int
    technology_id: int


async def withdraw_technology(cmd: WithdrawTechnology, uow: UnitOfWork) -> TechnologyView:
    async with uow:
        expert = await require_expert(uow, cmd.actor_id)
        row = await own_locked(uow, expert.id, cmd.technology_id)
        if row.status == TechnologyStatus.WITHDRAWN:
            raise Conflict("该技术已撤回", code="already_withdrawn")
        row.status = TechnologyStatus.WITHDRAWN
        row.updated_at = uow.clock.now()
        uow.record("expert_technology", row.id, "withdraw", actor=f"account:{cmd.actor_id}")
        result = view(row)
        await uow.commit()
    return result
