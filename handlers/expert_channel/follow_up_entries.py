"""Experts' dockings of a demand as entries of its follow-up list (see handlers.follow_ups.list_follow_ups)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from store.models.expert_pages import DockingStatus, ExpertDocking
from store.models.organisation import Account
from store.models.organisation_people import Expert
from store.uow import UnitOfWork

KIND = "expert_docking"
KIND_LABEL = "专家对接"  # shown beside the kinds a staff member records (handlers.follow_ups.form)


@dataclass(frozen=True)
class DockingEntry:
    docking_id: int
    docked_at: datetime
    content: str
    expert_name: str


async def docking_entries(uow: UnitOfWork, demand_id: int) -> list[DockingEntry]:
    rows = (
        await uow.session.execute(
            select(ExpertDocking, Account.name, Expert.title, Expert.employer)
            .join(Expert, Expert.id == ExpertDocking.expert_id)
            .join(Account, Account.id == Expert.account_id)
            .where(ExpertDocking.demand_id == demand_id)
        )
    ).all()
    entries = []
    for docking, name, title, employer in rows:
        profile = "，".join(p for p in (title, employer) if p)
        content = f"专家{name}（{profile}）对接该需求" if profile else f"专家{name}对接该需求"
        if docking.status == DockingStatus.CANCELLED:
            content += "（已取消对接）"
        elif docking.communicated_at is not None:
            content += "（已沟通）"
        entries.append(DockingEntry(docking.id, docking.docked_at, content, name))
    return entries
