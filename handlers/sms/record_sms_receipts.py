"""The SMS provider reports what became of the messages it accepted."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cards.outbound import Channel
from handlers.errors import NotFound
from store.outbox import update_delivery_status
from store.uow import UnitOfWork

# A receipt may overtake the relay's own bookkeeping for a moment; one still unknown after this is an
# orphan (a shared account's other sender, a console send, a pruned row) that no retry will match.
RECEIPT_RETRY_WINDOW = timedelta(minutes=10)


class UnknownSmsMessages(NotFound):
    """Some young receipts name no sent message yet (a receipt can overtake the relay's own
    bookkeeping); the known ones are recorded and the provider is asked to push the batch again."""

    code = "unknown_sms_messages"


@dataclass(frozen=True)
class SmsReceipt:
    provider_message_id: str  # Aliyun BizId
    delivered: bool
    error_code: str = ""
    reported_at: datetime | None = None  # the provider's report time; None (unknown): not waited for


@dataclass(frozen=True)
class SmsReceiptsRecorded:
    matched: int
    # Provider ids of old receipts that name no message of ours: acknowledged, never retried.
    orphans: list[str] = field(default_factory=list)


async def record_sms_receipts(
    receipts: list[SmsReceipt], uow: UnitOfWork, *, retry_window: timedelta = RECEIPT_RETRY_WINDOW
) -> SmsReceiptsRecorded:
    """Sets each message's delivery status; repeated receipts are harmless. Unknown ids ask for a
    retry of the batch while their receipt is young, and are reported as orphans after."""
    waiting: list[str] = []
    orphans: list[str] = []
    matched = 0
    async with uow:
        now = uow.clock.now()
        for receipt in receipts:
            status = "delivered" if receipt.delivered else f"failed:{receipt.error_code}"[:32]
            if await update_delivery_status(
                uow.session,
                channel=Channel.SMS,
                provider_message_id=receipt.provider_message_id,
                delivery_status=status,
                now=now,
            ):
                matched += 1
            elif receipt.reported_at is not None and now - receipt.reported_at <= retry_window:
                waiting.append(receipt.provider_message_id)
            else:
                orphans.append(receipt.provider_message_id)
        await uow.commit()
    if waiting:
        raise UnknownSmsMessages(f"no sms message with provider id {', '.join(waiting[:5])}")
    return SmsReceiptsRecorded(matched, orphans)
