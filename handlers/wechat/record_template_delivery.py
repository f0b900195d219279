"""WeChat reports how a template message ended (TEMPLATESENDJOBFINISH)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import NotFound
from handlers.wechat.inbox import claim_inbox
from store.outbox import update_delivery_status
from store.uow import UnitOfWork

TEMPLATE_CHANNEL = "wechat.template"

# The platform's wording → our delivery status; anything else is kept, marked as a failure.
_STATUSES = {
    "success": "delivered",
    "failed:user block": "user_block",
    "failed: system failed": "system_failed",
    "failed:system failed": "system_failed",
}


def delivery_status(platform_status: str) -> str:
    return _STATUSES.get(platform_status.strip().lower(), f"failed:{platform_status.strip()}"[:32])


class UnknownTemplateMessage(NotFound):
    """No sent message carries this msgid yet: the report may have overtaken our own bookkeeping
    (the relay settles after the platform answers), so nothing is recorded and the platform retries."""

    code = "unknown_template_message"


@dataclass(frozen=True)
class RecordTemplateDelivery:
    msg_id: str
    status: str  # as WeChat words it
    inbox_key: str


@dataclass(frozen=True)
class TemplateDeliveryRecorded:
    duplicate: bool
    matched: bool = False
    delivery_status: str | None = None


async def record_template_delivery(cmd: RecordTemplateDelivery, uow: UnitOfWork) -> TemplateDeliveryRecorded:
    """Sets the delivery status of the outbox message whose provider id is the reported msgid."""
    async with uow:
        now = uow.clock.now()
        if not await claim_inbox(uow.session, key=cmd.inbox_key, kind="template_finish", now=now):
            return TemplateDeliveryRecorded(duplicate=True)
        status = delivery_status(cmd.status)
        if not await update_delivery_status(
            uow.session, channel=TEMPLATE_CHANNEL, provider_message_id=cmd.msg_id, delivery_status=status, now=now
        ):
            raise UnknownTemplateMessage(f"no template message with msgid {cmd.msg_id}")
        await uow.commit()
        return TemplateDeliveryRecorded(duplicate=False, matched=True, delivery_status=status)
