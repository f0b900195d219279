"""DingTalk contact events, kept first and applied after: the Stream ack waits on one INSERT, never on a member
lookup or our retries, and no event is acknowledged as done with its eventId used up unless it was applied.

keep_contact_event   stores the event with its raw payload, in the transaction that claimed its dedupe key
                     (bot.dingtalk.contacts, through handlers.transactions.transact: a redelivery keeps nothing).
apply_contact_event  reads it back, asks DingTalk about the members (outside any transaction), applies it
                     (handlers.membership.record_membership_event + apply_membership_event) and marks it done.
                     A payload of a shape we do not know is marked unreadable; a lookup that fails counts an
                     attempt, and after MAX_ATTEMPTS the event is marked failed. Both stay, to be replayed.
replay_contact_events puts unreadable and failed events (or the ones named) back to pending.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from handlers.membership.apply_membership_event import (
    ADDED,
    JOINED,
    ApplyMembershipEvent,
    MemberFacts,
    apply_membership_event,
)
from handlers.membership.policy import MembershipPolicy
from handlers.membership.ports import MemberDirectory
from handlers.membership.record_membership_event import RecordMembershipEvent, record_membership_event
from handlers.transactions import transact
from store.models.dingtalk import DingTalkContactEvent
from store.transaction import Transaction
from store.uow import UnitOfWork

PENDING, DONE, UNREADABLE, FAILED = "pending", "done", "unreadable", "failed"
MAX_ATTEMPTS = 5
ERROR_MAX = 2000


@dataclass(frozen=True)
class KeepContactEvent:
    event_type: str
    event_id: str
    message_id: str
    payload: dict[str, Any]


async def keep_contact_event(cmd: KeepContactEvent, tx: Transaction) -> int:
    """The kept event's id; runs in the transaction that claimed the event's key."""
    event = DingTalkContactEvent(
        event_type=cmd.event_type[:64],
        event_id=cmd.event_id[:128],
        message_id=cmd.message_id[:128],
        payload=cmd.payload,
        status=PENDING,
        attempts=0,
        received_at=tx.clock.now(),
    )
    tx.session.add(event)
    await tx.session.flush()
    return event.id


def member_ids(payload: dict[str, Any]) -> tuple[str, ...] | None:
    """The members an event names (`userId`: a list of userids); None for a payload of a shape we do not know."""
    users = payload.get("userId")
    if not isinstance(users, list) or not users or not all(isinstance(u, str) and u for u in users):
        return None
    return tuple(users)


@dataclass(frozen=True)
class ApplyContactEvent:
    event_row_id: int


async def apply_contact_event(
    cmd: ApplyContactEvent, uow: UnitOfWork, members: MemberDirectory | None, policy: MembershipPolicy
) -> str:
    """The event's status afterwards. A failed member lookup raises, after counting the attempt."""
    async with uow:
        event = await uow.session.get(DingTalkContactEvent, cmd.event_row_id)
        if event is None or event.status != PENDING:
            return event.status if event else DONE
        event_type, event_id, payload = event.event_type, event.event_id, dict(event.payload)
    user_ids = member_ids(payload)
    if user_ids is None:
        await _settle(uow, cmd.event_row_id, UNREADABLE, f"no userId list in the payload: {sorted(payload)}")
        return UNREADABLE
    try:
        facts = await _facts(members, event_type, user_ids)
        # Another event for the same member may take the next audit sequence number first: then again, on the
        # new head.
        return await transact(
            uow, lambda tx: _apply(tx, cmd.event_row_id, event_type, event_id, user_ids, facts, policy), clash=None
        )
    except Exception as exc:
        attempts = await _settle(uow, cmd.event_row_id, PENDING, f"{type(exc).__name__}: {exc}")
        if attempts >= MAX_ATTEMPTS:
            await _settle(uow, cmd.event_row_id, FAILED, None, count=False)
        raise


async def _facts(
    members: MemberDirectory | None, event_type: str, user_ids: tuple[str, ...]
) -> tuple[MemberFacts, ...]:
    """Whether an added member is active already, and the mobile that finds an invitation whose userid the
    relay has not recorded yet."""
    if members is None or event_type not in (ADDED, JOINED):
        return tuple(MemberFacts(u) for u in user_ids)
    found = [await members.member(u) for u in user_ids]
    return tuple(f or MemberFacts(u) for u, f in zip(user_ids, found, strict=True))


async def _apply(
    tx: Transaction,
    row_id: int,
    event_type: str,
    event_id: str,
    user_ids: tuple[str, ...],
    facts: tuple[MemberFacts, ...],
    policy: MembershipPolicy,
) -> str:
    # The claim is the transaction's first statement, a conditional write: of two workers applying the
    # same event (another instance, a replay) the second waits for the first and then finds it done.
    claimed = await tx.session.execute(
        update(DingTalkContactEvent)
        .where(DingTalkContactEvent.id == row_id, DingTalkContactEvent.status == PENDING)
        .values(status=DONE, processed_at=tx.clock.now(), last_error=None, attempts=DingTalkContactEvent.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if not getattr(claimed, "rowcount", 0):
        status = await tx.session.scalar(select(DingTalkContactEvent.status).where(DingTalkContactEvent.id == row_id))
        return status or DONE
    await record_membership_event(RecordMembershipEvent(event_type, event_id, user_ids), tx)
    await apply_membership_event(ApplyMembershipEvent(event_type, facts), tx, policy)
    return DONE


async def _settle(uow: UnitOfWork, row_id: int, status: str, error: str | None, *, count: bool = True) -> int:
    async with uow:
        event = await uow.session.scalar(
            select(DingTalkContactEvent).where(DingTalkContactEvent.id == row_id).with_for_update()
        )
        if event is None or event.status not in (PENDING, status):
            return 0
        event.status = status
        if count:
            event.attempts += 1
        if error is not None:
            event.last_error = error[:ERROR_MAX]
        attempts = event.attempts
        await uow.commit()
        return attempts


async def pending_contact_events(uow: UnitOfWork, *, limit: int = 100) -> list[int]:
    """Kept events not applied yet, oldest first (for the job that takes over what the background missed)."""
    async with uow:
        return list(
            await uow.session.scalars(
                select(DingTalkContactEvent.id)
                .where(DingTalkContactEvent.status == PENDING)
                .order_by(DingTalkContactEvent.id)
                .limit(limit)
            )
        )


@dataclass(frozen=True)
class ReplayContactEvents:
    event_row_ids: tuple[int, ...] = ()  # empty: every unreadable and failed event


async def replay_contact_events(cmd: ReplayContactEvents, uow: UnitOfWork) -> list[int]:
    """Puts events back to pending (never one applied already); returns their ids, for applying them."""
    async with uow:
        query = select(DingTalkContactEvent.id).where(DingTalkContactEvent.status.in_((UNREADABLE, FAILED)))
        if cmd.event_row_ids:
            query = select(DingTalkContactEvent.id).where(
                DingTalkContactEvent.id.in_(cmd.event_row_ids), DingTalkContactEvent.status != DONE
            )
        ids = list(await uow.session.scalars(query.order_by(DingTalkContactEvent.id)))
        if ids:
            await uow.session.execute(
                update(DingTalkContactEvent).where(DingTalkContactEvent.id.in_(ids)).values(status=PENDING, attempts=0)
            )
        await uow.commit()
        return ids
