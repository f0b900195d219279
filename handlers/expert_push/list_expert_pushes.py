"""A demand's expert pushes, latest first, with the expert's name, the status WeChat reported, the score and
its reasons, and when it was sent. The institution side sees them; enterprises and officials never do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from handlers.demands.scope import require_visible_demand
from handlers.expert_push.access import require_push_viewer
from handlers.expert_push.status_labels import STATUS_LABELS
from handlers.organisation.actors import load_actor
from store.models.expert_pushes import ExpertPush, ExpertPushStatus
from store.models.organisation import Account
from store.models.organisation_people import Expert
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ListExpertPushes:
    actor_id: int
    demand_id: int


@dataclass(frozen=True)
class ExpertPushView:
    id: int
    batch: str
    expert_id: int
    expert_name: str
    status: str  # sending, accepted, delivered, unfollowed, blocked, failed
    status_label: str  # 发送中, 已送达 … (status_labels)
    score: float
    reasons: list[str]
    pushed_by: str
    created_at: datetime
    sent_at: datetime | None  # when WeChat accepted it
    error: str | None


async def list_expert_pushes(cmd: ListExpertPushes, uow: UnitOfWork) -> list[ExpertPushView]:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        require_push_viewer(actor)
        await require_visible_demand(uow, actor, cmd.demand_id)
        pusher = Account.__table__.alias("pusher")
        rows = await uow.session.execute(
            select(ExpertPush, Account.name, pusher.c.name)
            .join(Expert, Expert.id == ExpertPush.expert_id)
            .join(Account, Account.id == Expert.account_id)
            .join(pusher, pusher.c.id == ExpertPush.pushed_by)
            .where(ExpertPush.demand_id == cmd.demand_id)
            .order_by(ExpertPush.id.desc())
        )
        return [
            ExpertPushView(
                p.id,
                p.batch,
                p.expert_id,
                name,
                str(p.status),
                STATUS_LABELS[ExpertPushStatus(p.status)],
                p.score,
                list(p.reasons),
                pusher_name,
                p.created_at,
                p.sent_at,
                p.error,
            )
            for p, name, pusher_name in rows
        ]
