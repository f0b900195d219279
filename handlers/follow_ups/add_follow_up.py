"""The docking staff member (or the centre's admin) records a follow-up on a demand in docking.

It appears in the demand's timeline and restarts the reminder count."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from handlers.demands.access import locked
from handlers.demands.fields import check_attachments
from handlers.demands.states import Step, next_status
from handlers.demands.timeline import step
from handlers.follow_up_reminders.state import restart_silence
from handlers.follow_ups.access import require_follow_up_writer
from handlers.follow_ups.form import FOLLOW_UP
from handlers.follow_ups.form import KIND_LABELS as KIND_LABELS  # where callers found it
from handlers.forms.check import validate
from handlers.forms.declaration import Context
from handlers.organisation import validation as v
from handlers.organisation.actors import load_actor
from store.models.follow_ups import DemandFollowUp
from store.models.organisation_people import FollowUpKind
from store.uow import UnitOfWork


@dataclass(frozen=True)
class AddDemandFollowUp:
    actor_id: int
    demand_id: int
    kind: str
    occurred_at: datetime
    content: str
    attachment_ids: tuple[int, ...] = field(default=())


@dataclass(frozen=True)
class DemandFollowUpAdded:
    follow_up_id: int


async def add_demand_follow_up(cmd: AddDemandFollowUp, uow: UnitOfWork) -> DemandFollowUpAdded:
    values = {"kind": cmd.kind, "occurred_at": cmd.occurred_at, "content": cmd.content}
    clean = validate(FOLLOW_UP, {**values, "attachment_ids": cmd.attachment_ids}, Context(uow.clock.now().date()))
    kind, content, ids = FollowUpKind(clean["kind"]), clean["content"], clean["attachment_ids"]
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        demand = await locked(uow, cmd.demand_id)
        await require_follow_up_writer(uow, actor, demand)
        next_status(Step.FOLLOW_UP, demand.status)
        now = uow.clock.now()
        v.not_in_future(cmd.occurred_at, now)
        await check_attachments(uow, ids, actor.label)
        row = DemandFollowUp(
            demand_id=demand.id,
            account_id=actor.account_id,
            kind=kind,
            occurred_at=cmd.occurred_at,
            content=content,
            attachment_ids=list(ids),
            created_at=now,
        )
        uow.session.add(row)
        await uow.session.flush()
        note = f"{KIND_LABELS[kind]}：{content}"
        await step(
            uow,
            demand,
            Step.FOLLOW_UP,
            demand.status,
            actor=actor.label,
            note=note,
            data={"follow_up_id": row.id, "kind": kind, "occurred_at": cmd.occurred_at.isoformat()},
        )
        await restart_silence(uow, demand.id, now)
        await uow.commit()
    return DemandFollowUpAdded(row.id)
