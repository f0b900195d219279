"""A demand's follow-ups, newest first, for those who see the demand inside the organisation (not its
enterprise: follow-up notes are the staff's working record).

Experts' dockings are listed among them (kind `expert_docking`, read from expert_dockings): the staff member
sees who docked next to their own notes, yet a docking is no follow-up of theirs, so it neither restarts the
reminder count nor takes a kind a staff member could record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from handlers.demands.scope import require_visible_demand
from handlers.errors import Forbidden
from handlers.expert_channel.follow_up_entries import KIND, KIND_LABEL, docking_entries
from handlers.files.links import FileLink, demand_file_links, in_order
from handlers.follow_ups.form import KIND_LABELS
from handlers.organisation.actors import load_actor
from store.models.follow_ups import DemandFollowUp
from store.models.organisation import Account, Role
from store.models.organisation_people import FollowUpKind
from store.uow import UnitOfWork

READERS = frozenset({Role.INSTITUTION_ADMIN, Role.CENTRE_ADMIN, Role.STAFF, Role.OFFICIAL})


@dataclass(frozen=True)
class ListDemandFollowUps:
    actor_id: int
    demand_id: int


@dataclass(frozen=True)
class DemandFollowUpView:
    id: int
    kind: str
    occurred_at: datetime
    content: str
    attachment_ids: tuple[int, ...]
    recorded_by: str
    recorded_at: datetime
    attachments: tuple[FileLink, ...] = ()  # with their download links
    kind_label: str = ""  # 走访, 电话 … : the follow-up form's own choice labels


async def list_demand_follow_ups(cmd: ListDemandFollowUps, uow: UnitOfWork) -> list[DemandFollowUpView]:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        if not (actor.has(Role.SYSTEM_ADMIN) or any(g.role in READERS for g in actor.grants)):
            raise Forbidden("您没有权限查看跟进记录")
        await require_visible_demand(uow, actor, cmd.demand_id)
        rows = (
            await uow.session.execute(
                select(DemandFollowUp, Account.name)
                .join(Account, Account.id == DemandFollowUp.account_id)
                .where(DemandFollowUp.demand_id == cmd.demand_id)
                .order_by(DemandFollowUp.occurred_at.desc(), DemandFollowUp.id.desc())
            )
        ).all()
        links = await demand_file_links(uow, cmd.demand_id, (i for f, _ in rows for i in f.attachment_ids))
        views = [
            DemandFollowUpView(
                f.id,
                str(f.kind),
                f.occurred_at,
                f.content,
                tuple(f.attachment_ids),
                name,
                f.created_at,
                in_order(links, f.attachment_ids),
                KIND_LABELS[FollowUpKind(f.kind)],
            )
            for f, name in rows
        ]
        views += [
            DemandFollowUpView(
                e.docking_id, KIND, e.docked_at, e.content, (), e.expert_name, e.docked_at, kind_label=KIND_LABEL
            )
            for e in await docking_entries(uow, cmd.demand_id)
        ]
        return sorted(views, key=lambda view: view.occurred_at, reverse=True)
