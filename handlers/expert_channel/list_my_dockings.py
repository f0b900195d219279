"""我的对接: the demands the expert docked (cancelled ones too, marked so), latest docking first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from handlers.demands.states import LABELS
from handlers.expert_channel.access import require_expert
from handlers.organisation.pages import Page, PageRequest
from store.models.demands import Demand
from store.models.expert_pages import ExpertDocking
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ListMyDockings:
    actor_id: int
    page: PageRequest = PageRequest()


@dataclass(frozen=True)
class MyDocking:
    docking_id: int
    demand_id: int
    demand_number: str
    title: str
    status: str  # docked or cancelled
    demand_status: str
    demand_status_label: str
    docked_at: datetime
    cancelled_at: datetime | None


async def list_my_dockings(cmd: ListMyDockings, uow: UnitOfWork) -> Page[MyDocking]:
    req = cmd.page.checked()
    async with uow:
        expert = await require_expert(uow, cmd.actor_id)
        mine = ExpertDocking.expert_id == expert.id
        total = await uow.session.scalar(select(func.count()).select_from(ExpertDocking).where(mine))
        rows = (
            await uow.session.execute(
                select(ExpertDocking, Demand)
                .join(Demand, Demand.id == ExpertDocking.demand_id)
                .where(mine)
                .order_by(ExpertDocking.docked_at.desc(), ExpertDocking.id.desc())
                .offset(req.offset)
                .limit(req.page_size)
            )
        ).all()
        items = tuple(
            MyDocking(k.id, d.id, d.number, d.title, k.status, d.status, LABELS[d.status], k.docked_at, k.cancelled_at)
            for k, d in rows
        )
    return Page(items, total or 0, req.page, req.page_size)
