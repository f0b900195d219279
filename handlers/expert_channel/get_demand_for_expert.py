"""A demand's detail as an expert sees it (see demand_views for what is left out, and why)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.errors import NotFound
from handlers.expert_channel.access import require_expert, seen_by_expert
from handlers.expert_channel.demand_views import ExpertDemandDetail, expert_detail
from store.models.demands import Demand
from store.models.expert_pages import ExpertDocking
from store.models.organisation_people import Enterprise
from store.uow import UnitOfWork


@dataclass(frozen=True)
class GetDemandForExpert:
    actor_id: int
    demand_id: int


async def get_demand_for_expert(cmd: GetDemandForExpert, uow: UnitOfWork) -> ExpertDemandDetail:
    async with uow:
        expert = await require_expert(uow, cmd.actor_id)
        found = (
            await uow.session.execute(
                select(Demand, Enterprise.name)
                .join(Enterprise, Enterprise.id == Demand.enterprise_id)
                .where(Demand.id == cmd.demand_id, seen_by_expert(expert.id))
            )
        ).first()
        if found is None:
            raise NotFound("未找到该需求")
        demand, enterprise_name = found
        docking = await uow.session.scalar(
            select(ExpertDocking.status).where(
                ExpertDocking.expert_id == expert.id, ExpertDocking.demand_id == demand.id
            )
        )
        return expert_detail(demand, enterprise_name, str(docking) if docking is not None else None)
