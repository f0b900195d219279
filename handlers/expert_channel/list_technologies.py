"""技术发布: the expert's own technologies, published and withdrawn, latest change first."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.expert_channel.access import require_expert
from handlers.expert_channel.technologies import TechnologyView, view
from store.models.expert_pages import ExpertTechnology
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ListTechnologies:
    actor_id: int


async def list_technologies(cmd: ListTechnologies, uow: UnitOfWork) -> list[TechnologyView]:
    async with uow:
        expert = await require_expert(uow, cmd.actor_id)
        rows = await uow.session.scalars(
            select(ExpertTechnology)
            .where(ExpertTechnology.expert_id == expert.id)
            .order_by(ExpertTechnology.updated_at.desc(), ExpertTechnology.id.desc())
        )
        return [view(t) for t in rows]
