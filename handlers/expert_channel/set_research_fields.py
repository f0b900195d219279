"""信息维护: the expert sets their own research fields (what expert pushes rank by), with the same rule as the
institution's staff setting them (handlers.experts.expertise: known taxonomy codes, at most ten, each once)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.expert_channel.access import require_expert
from handlers.expert_channel.get_profile import ExpertProfileView, profile_view
from handlers.experts.expertise import research_fields
from store.uow import UnitOfWork


@dataclass(frozen=True)
class SetResearchFields:
    actor_id: int
    field_codes: tuple[str, ...]


async def set_research_fields(cmd: SetResearchFields, uow: UnitOfWork) -> ExpertProfileView:
    fields = research_fields(cmd.field_codes)
    async with uow:
        expert = await require_expert(uow, cmd.actor_id)
        if list(expert.research_fields or []) != fields:
            expert.research_fields, expert.updated_at = fields, uow.clock.now()
            uow.record(
                "expert",
                expert.id,
                "research_fields_set",
                actor=f"account:{cmd.actor_id}",
                data={"research_fields": fields},
            )
        view = await profile_view(uow, cmd.actor_id)
        await uow.commit()
    return view
