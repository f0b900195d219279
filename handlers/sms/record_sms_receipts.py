"""The SMS provider reports what became of the messages it accepted."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import NotFound
from store.outbox import update_delivery_status
from store.uow import UnitOfWork

SMS_CHANNEL = "sms"


class UnknownSmsMessages(NotFound):
    """Some receipts name no sent message yet (a receipt can overtake the relay's own bookkeeping);
    the known ones are recorded and the provider is asked to push the batch again."""

    code = "unknown_sms_messages"


@dataclass(frozen=True)
class SmsReceipt:
    provider_message_id: str  # Aliyun BizId
    delivered: bool
    error_code: str = ""


async def record_sms_receipts(receipts: list[SmsReceipt], uow: UnitOfWork) -> int:
    """Sets each message's delivery status; repeated receipts are harmless. Returns how many matched."""
    unknown: list[str] = []
    matched = 0
    async with uow:
        now = uow.clock.now()
        for receipt in receipts:
            status = "delivered" if receipt.delivered else f"failed:{receipt.error_code}"[:32]
            if await update_delivery_status(
                uow.session, channel=SMS_CHANNEL, provider_message_id=receipt.provider_message_id,
                delivery_status=status, now=now,
            ):
                matched += 1
            else:
                unknown.append(receipt.provider_message_id)
        await uow.commit()
    if unknown:
        raise UnknownSmsMessages(f"no sms message with provider id {', '.join(unknown[:5])}")
    return matched
