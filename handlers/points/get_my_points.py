"""A staff member's own points: the total and the entries that explain it, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from handlers.errors import Forbidden
from handlers.organisation.actors import load_actor
from handlers.organisation.pages import PageRequest
from handlers.points.derive import COMPENSATION
from store.models.organisation import Role
from store.models.points import PointEntry, PointEvent
from store.uow import UnitOfWork

# What the page says each entry was for.
_LABELS = {
    "demand_approved": "提交的需求通过审核",
    "expert_push_accepted": "向专家推送需求",
    "project_registered": "登记对接成功项目",
    COMPENSATION: "推送未送达，扣回积分",
}


@dataclass(frozen=True)
class GetMyPoints:
    actor_id: int
    page: PageRequest = PageRequest()


@dataclass(frozen=True)
class PointEntryView:
    entry_id: int
    points: int
    reason: str
    explanation: str
    rule_set_version: int
    kind: str
    demand_id: int | None
    expert_id: int | None
    push_id: int | None
    institution_id: int
    centre_id: int
    occurred_at: datetime


@dataclass(frozen=True)
class MyPoints:
    account_id: int
    total_points: int
    entries: tuple[PointEntryView, ...]
    entries_total: int
    page: int
    page_size: int


async def get_my_points(cmd: GetMyPoints, uow: UnitOfWork) -> MyPoints:
    req = cmd.page.checked()
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        if not actor.has(Role.STAFF):
            raise Forbidden("只有技转人员有贡献积分")
        mine = PointEntry.account_id == cmd.actor_id
        total, count = (
            await uow.session.execute(
                select(func.coalesce(func.sum(PointEntry.points), 0), func.count()).select_from(PointEntry).where(mine)
            )
        ).one()
        rows = await uow.session.execute(
            select(PointEntry, PointEvent)
            .join(PointEvent, PointEvent.id == PointEntry.event_id)
            .where(mine)
            .order_by(PointEvent.occurred_at.desc(), PointEntry.id.desc())
            .offset(req.offset)
            .limit(req.page_size)
        )
        entries = tuple(
            PointEntryView(
                entry.id,
                entry.points,
                entry.reason,
                _LABELS.get(entry.reason, entry.reason),
                entry.rule_set_version,
                str(event.kind),
                event.demand_id,
                event.expert_id,
                event.push_id,
                entry.institution_id,
                entry.centre_id,
                event.occurred_at,
            )
            for entry, event in rows
        )
    return MyPoints(cmd.actor_id, int(total), entries, int(count), req.page, req.page_size)
