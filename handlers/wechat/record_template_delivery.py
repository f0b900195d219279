"""WeChat reports how a template message ended (TEMPLATESENDJOBFINISH).

A report may come before we know its msgid: WeChat answers the send with the msgid and may push the report
before the relay has written it down. WeChat is not documented to resend a report it got an error for, so
such a report is kept (wechat_template_reports) and applied when the msgid is recorded
(record_template_sent), whichever of the two comes first.

Both sides write first and look for the other after their commit — the report keeps itself, then looks for
the message; the sender records the msgid, then looks for a kept report — so at least one of them finds the
other, whatever the interleaving. Whoever deletes the kept report applies it, so it is applied once. So the
report runs in two transactions: `record_template_delivery` in the one that claimed the push's key (which keeps
the report when it names no message yet), then, after its commit, `apply_kept_report`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select

from cards.outbound import Channel
from handlers.expert_push.record_push_outcome import record_push_report
from store.models.wechat import WeChatTemplateReport
from store.outbox import update_delivery_status
from store.transaction import Transaction
from store.uow import UnitOfWork

# Template messages sent through their own channel so that their sender hears how each send went.
TEMPLATE_CHANNELS = (Channel.WECHAT_TEMPLATE, Channel.WECHAT_EXPERT_PUSH)

# Run in the report's transaction once it matched a message: (uow, msgid, our delivery status).
ReportHook = Callable[[Transaction, str, str], Awaitable[None]]
REPORT_HOOKS: tuple[ReportHook, ...] = (record_push_report,)

# A kept report whose message never shows up (a send from the platform's console) is dropped after this.
REPORT_KEEP = timedelta(days=7)

# The platform's wording → our delivery status; anything else is kept, marked as a failure.
_STATUSES = {
    "success": "delivered",
    "failed:user block": "user_block",
    "failed: system failed": "system_failed",
    "failed:system failed": "system_failed",
}


def delivery_status(platform_status: str) -> str:
    return _STATUSES.get(platform_status.strip().lower(), f"failed:{platform_status.strip()}"[:32])


@dataclass(frozen=True)
class RecordTemplateDelivery:
    msg_id: str
    status: str  # as WeChat words it
    hooks: tuple[ReportHook, ...] = REPORT_HOOKS


@dataclass(frozen=True)
class TemplateDeliveryRecorded:
    duplicate: bool
    matched: bool = False
    delivery_status: str | None = None
    kept: bool = False  # names no message of ours yet: kept until its msgid is recorded


async def record_template_delivery(cmd: RecordTemplateDelivery, tx: Transaction) -> TemplateDeliveryRecorded:
    """Sets the delivery status of the outbox message whose provider id is the reported msgid; a report for
    a msgid not recorded yet is kept (`kept`): after the commit, `apply_kept_report` looks for the message again
    (its msgid may have been recorded meanwhile, after the sender looked for the report)."""
    now = tx.clock.now()
    status = delivery_status(cmd.status)
    if await _apply(tx, cmd.msg_id, status, cmd.hooks):
        return TemplateDeliveryRecorded(duplicate=False, matched=True, delivery_status=status)
    kept = await tx.session.get(WeChatTemplateReport, cmd.msg_id)
    if kept is None:
        tx.session.add(WeChatTemplateReport(msg_id=cmd.msg_id, delivery_status=status, reported_at=now))
    else:  # a second report on one msgid (not seen from WeChat): the later one stands
        kept.delivery_status, kept.reported_at = status, now
    return TemplateDeliveryRecorded(duplicate=False, delivery_status=status, kept=True)


async def apply_kept_report(msg_id: str, uow: UnitOfWork, hooks: tuple[ReportHook, ...] = REPORT_HOOKS) -> str | None:
    """Applies the kept report on `msg_id` once its message carries the msgid; the status applied, or None
    (no kept report, its message not known yet, or another caller applied it first)."""
    async with uow:
        status = await uow.session.scalar(
            select(WeChatTemplateReport.delivery_status).where(WeChatTemplateReport.msg_id == msg_id)
        )
        if status is None or not await _apply(uow, msg_id, status, ()):
            return None
        taken = await uow.session.execute(delete(WeChatTemplateReport).where(WeChatTemplateReport.msg_id == msg_id))
        if not getattr(taken, "rowcount", 0):
            return None  # applied by the other side a moment ago; this transaction rolls back
        for hook in hooks:
            await hook(uow, msg_id, status)
        await uow.commit()
        return status


async def prune_kept_reports(uow: UnitOfWork, *, keep: timedelta = REPORT_KEEP) -> list[str]:
    """Drops reports kept longer than `keep` (their message never showed up); returns their msgids."""
    async with uow:
        old = WeChatTemplateReport.reported_at < uow.clock.now() - keep
        dropped = list(await uow.session.scalars(select(WeChatTemplateReport.msg_id).where(old)))
        await uow.session.execute(delete(WeChatTemplateReport).where(old))
        await uow.commit()
        return dropped


async def _apply(uow: Transaction, msg_id: str, status: str, hooks: tuple[ReportHook, ...]) -> bool:
    matched = False
    for channel in TEMPLATE_CHANNELS:
        matched = (
            await update_delivery_status(
                uow.session, channel=channel, provider_message_id=msg_id, delivery_status=status, now=uow.clock.now()
            )
            or matched
        )
    if matched:
        for hook in hooks:
            await hook(uow, msg_id, status)
    return matched
