"""What became of a push: WeChat accepted the send (+1 point), refused it for good (an unfollowed expert is
never retried), or later reported delivery or a user block (the point withdrawn by a compensating entry).

Each is idempotent: a repeated report finds the push already past that state and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.points.record_point_event import PointFact, record_point_event
from store.models.expert_pushes import ExpertPush, ExpertPushStatus
from store.models.points import PointEventKind
from store.models.wechat import WeChatFollower
from store.transaction import Transaction
from store.uow import UnitOfWork

AUDIT_AGGREGATE = "expert_push"
ERROR_MAX = 255


@dataclass(frozen=True)
class RecordPushSent:
    outbox_message_id: int
    msg_id: str | None


@dataclass(frozen=True)
class RecordPushFailed:
    outbox_message_id: int
    app_id: str
    reason: str


async def _locked(uow: UnitOfWork, outbox_message_id: int) -> ExpertPush | None:
    return await uow.session.scalar(
        select(ExpertPush).where(ExpertPush.outbox_message_id == outbox_message_id).with_for_update()
    )


async def record_push_sent(cmd: RecordPushSent, uow: UnitOfWork) -> ExpertPushStatus | None:
    """The push is accepted and its staff member earns the point, in one transaction; None: no such push."""
    async with uow:
        push = await _locked(uow, cmd.outbox_message_id)
        if push is None:
            return None
        if push.status != ExpertPushStatus.SENDING:
            return push.status
        now = uow.clock.now()
        push.status, push.msg_id, push.sent_at, push.updated_at = ExpertPushStatus.ACCEPTED, cmd.msg_id, now, now
        await record_point_event(
            uow,
            PointFact(
                PointEventKind.EXPERT_PUSH_ACCEPTED,
                account_id=push.pushed_by,
                demand_id=push.demand_id,
                expert_id=push.expert_id,
                push_id=push.id,
                occurred_at=now,
            ),
        )
        uow.record(AUDIT_AGGREGATE, push.id, "accepted", data={"msg_id": cmd.msg_id})
        await uow.commit()
        return push.status


async def record_push_failed(cmd: RecordPushFailed, uow: UnitOfWork) -> ExpertPushStatus | None:
    """A permanent refusal: `unfollowed` when the expert no longer follows (the channel has marked the
    follower already), else `failed`. Nothing is earned."""
    async with uow:
        push = await _locked(uow, cmd.outbox_message_id)
        if push is None:
            return None
        if push.status != ExpertPushStatus.SENDING:
            return push.status
        subscribed = await uow.session.scalar(
            select(WeChatFollower.subscribed).where(
                WeChatFollower.app_id == cmd.app_id, WeChatFollower.openid == push.openid
            )
        )
        status = ExpertPushStatus.UNFOLLOWED if subscribed is False else ExpertPushStatus.FAILED
        push.status, push.error, push.updated_at = status, cmd.reason[:ERROR_MAX], uow.clock.now()
        uow.record(AUDIT_AGGREGATE, push.id, str(status), data={"reason": push.error})
        await uow.commit()
        return status


async def record_push_report(uow: Transaction, msg_id: str, delivery_status: str) -> None:
    """A hook of the TEMPLATESENDJOBFINISH use case, inside its transaction: `delivered` → delivered; a user
    block → blocked, and the point withdrawn (a compensating entry on the pusher's ledger)."""
    push = await uow.session.scalar(select(ExpertPush).where(ExpertPush.msg_id == msg_id).with_for_update())
    if push is None or push.status not in (ExpertPushStatus.ACCEPTED, ExpertPushStatus.DELIVERED):
        return
    now = uow.clock.now()
    if delivery_status == "delivered":
        if push.status == ExpertPushStatus.ACCEPTED:
            push.status, push.updated_at = ExpertPushStatus.DELIVERED, now
            uow.record(AUDIT_AGGREGATE, push.id, "delivered")
        return
    if delivery_status == "user_block":
        push.status, push.error, push.updated_at = ExpertPushStatus.BLOCKED, "failed:user block", now
        await record_point_event(
            uow,
            PointFact(PointEventKind.EXPERT_PUSH_BLOCKED, account_id=push.pushed_by, push_id=push.id, occurred_at=now),
        )
        uow.record(AUDIT_AGGREGATE, push.id, "blocked")
        return
    push.status, push.error, push.updated_at = ExpertPushStatus.FAILED, delivery_status[:ERROR_MAX], now
    uow.record(AUDIT_AGGREGATE, push.id, "failed", data={"reason": push.error})
