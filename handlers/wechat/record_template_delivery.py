"""WeChat reports how a template message ended (TEMPLATESENDJOBFINISH)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.errors import NotFound
from handlers.expert_push.record_push_outcome import record_push_report
from handlers.wechat.inbox import claim_inbox
from store.outbox import update_delivery_status
from store.uow import UnitOfWork

TEMPLATE_CHANNEL = "wechat.template"
# Template messages sent through their own channel so that their sender hears how each send went.
TEMPLATE_CHANNELS = (TEMPLATE_CHANNEL, "wechat.expert_push")

# Run in the report's transaction once it matched a message: (uow, msgid, our delivery status).
ReportHook = Callable[[UnitOfWork, str, str], Awaitable[None]]
REPORT_HOOKS: tuple[ReportHook, ...] = (record_push_report,)

# The platform's wording → our delivery status; anything else is kept, marked as a failure.
_STATUSES = {
    "success": "delivered",
    "failed:user block": "user_block",
    "failed: system failed": "system_failed",
    "failed:system failed": "system_failed",
}


def delivery_status(platform_status: str) -> str:
    return _STATUSES.get(platform_status.strip().lower(), f"failed:{platform_status.strip()}"[:32])


# A report may overtake the relay's own bookkeeping for a moment; one still unknown after this is an
# orphan (a send from the platform's console, a pruned row) that no retry will ever match.
REPORT_RETRY_WINDOW = timedelta(minutes=10)


class UnknownTemplateMessage(NotFound):
    """No sent message carries this msgid yet and the report is young: the report may have overtaken
    our own bookkeeping (the relay settles after the platform answers), so nothing is recorded and
    the platform retries."""

    code = "unknown_template_message"


@dataclass(frozen=True)
class RecordTemplateDelivery:
    msg_id: str
    status: str  # as WeChat words it
    inbox_key: str
    reported_at: datetime | None = None  # the push's CreateTime; None (unknown): not waited for
    retry_window: timedelta = REPORT_RETRY_WINDOW
    hooks: tuple[ReportHook, ...] = REPORT_HOOKS


@dataclass(frozen=True)
class TemplateDeliveryRecorded:
    duplicate: bool
    matched: bool = False
    delivery_status: str | None = None
    orphan: bool = False  # names no message of ours and too old to wait for one: acknowledged


async def record_template_delivery(cmd: RecordTemplateDelivery, uow: UnitOfWork) -> TemplateDeliveryRecorded:
    """Sets the delivery status of the outbox message whose provider id is the reported msgid. An
    unknown msgid asks for a retry while the report is young, and is acknowledged as an orphan after."""
    async with uow:
        now = uow.clock.now()
        if not await claim_inbox(uow.session, key=cmd.inbox_key, kind="template_finish", now=now):
            return TemplateDeliveryRecorded(duplicate=True)
        status = delivery_status(cmd.status)
        if not await _update(uow, cmd.msg_id, status):
            if cmd.reported_at is not None and now - cmd.reported_at <= cmd.retry_window:
                raise UnknownTemplateMessage(f"no template message with msgid {cmd.msg_id}")
            await uow.commit()  # keeps the inbox key: its retries stay no-ops
            return TemplateDeliveryRecorded(duplicate=False, orphan=True)
        for hook in cmd.hooks:
            await hook(uow, cmd.msg_id, status)
        await uow.commit()
        return TemplateDeliveryRecorded(duplicate=False, matched=True, delivery_status=status)


async def _update(uow: UnitOfWork, msg_id: str, status: str) -> bool:
    matched = False
    for channel in TEMPLATE_CHANNELS:
        matched = await update_delivery_status(
            uow.session, channel=channel, provider_message_id=msg_id, delivery_status=status, now=uow.clock.now()
        ) or matched
    return matched
