"""标记已沟通, pressed on the docking card by the demand's docking staff member (or its centre's admin): a
follow-up is recorded (timeline, follow-up list, the reminder count restarts) and the card says who marked it.

Runs inside the card router's unit of work, which holds the press key and commits."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from cards.expert_docking import MARK_COMMUNICATED, communicated_update
from handlers.demands.access import locked
from handlers.demands.states import Step, next_status
from handlers.demands.timeline import step
from handlers.errors import Conflict, Forbidden, NotFound
from handlers.follow_up_reminders.state import restart_silence
from handlers.follow_ups.access import is_centre_admin, is_docking_staff
from handlers.follow_ups.add_follow_up import KIND_LABELS
from handlers.organisation.actors import load_actor
from handlers.reviews.reviewers import account_of_userid
from store.models.expert_pages import DockingStatus, ExpertDocking
from store.models.follow_ups import DemandFollowUp
from store.models.organisation import Account
from store.models.organisation_people import Expert, FollowUpKind
from store.transaction import Transaction


@dataclass(frozen=True)
class MarkCommunicated:
    docking_id: int
    round: int
    userid: str  # the presser's DingTalk userid
    presser_name: str


@dataclass(frozen=True)
class Communicated:
    won: bool  # False: already marked for this round
    card_data: dict[str, str]


async def mark_communicated(cmd: MarkCommunicated, tx: Transaction) -> Communicated:
    docking = await tx.session.get(ExpertDocking, cmd.docking_id)
    if docking is None:
        raise NotFound("未找到该对接记录")
    demand = await locked(tx, docking.demand_id)
    account_id = await account_of_userid(tx, cmd.userid)
    actor = await load_actor(tx, account_id) if account_id is not None else None
    if actor is None or not (is_docking_staff(actor, demand) or is_centre_admin(actor, demand)):
        raise Forbidden(f"只有该需求的对接人员可以{MARK_COMMUNICATED}")
    if docking.status != DockingStatus.DOCKED or docking.rounds != cmd.round:
        raise Conflict("专家已取消对接", code="docking_cancelled")
    next_status(Step.FOLLOW_UP, demand.status)
    now = tx.clock.now()
    # The conditional update decides between two presses (two devices, a redelivered frame).
    marked = await tx.session.execute(
        update(ExpertDocking)
        .where(
            ExpertDocking.id == docking.id, ExpertDocking.rounds == cmd.round, ExpertDocking.communicated_at.is_(None)
        )
        .values(communicated_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if marked.rowcount == 0:  # type: ignore[attr-defined]
        return Communicated(False, {})
    name = (
        await tx.session.scalar(
            select(Account.name).join(Expert, Expert.account_id == Account.id).where(Expert.id == docking.expert_id)
        )
        or "专家"
    )
    content = f"已与对接专家{name}沟通"
    row = DemandFollowUp(
        demand_id=demand.id,
        account_id=actor.account_id,
        kind=FollowUpKind.OTHER,
        occurred_at=now,
        content=content,
        attachment_ids=[],
        created_at=now,
    )
    tx.session.add(row)
    await tx.session.flush()
    await step(
        tx,
        demand,
        Step.FOLLOW_UP,
        demand.status,
        actor=actor.label,
        note=f"{KIND_LABELS[FollowUpKind.OTHER]}：{content}",
        data={
            "follow_up_id": row.id,
            "kind": FollowUpKind.OTHER,
            "occurred_at": now.isoformat(),
            "docking_id": docking.id,
        },
    )
    await restart_silence(tx, demand.id, now)
    return Communicated(True, communicated_update(cmd.presser_name))
