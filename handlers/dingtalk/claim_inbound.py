"""The inbox of acted-upon DingTalk pushes (card presses, events): a unique business key written in the
same transaction as the effect, so a repeat or a redelivery to any instance has no second effect."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from store.models.dingtalk import DingTalkInbound


async def claim_inbound(
    session: AsyncSession, *, key: str, kind: str, message_id: str, now: datetime
) -> DingTalkInbound | None:
    """The claimed row the first time `key` is seen; set its `reply` before committing.

    Call it first in the transaction, before the effect: its flush must not carry other writes, whose
    conflicts would then read as a repeat. None means a repeat of a push already acted upon; the
    transaction is then unusable and the caller must return without writing anything else."""
    row = DingTalkInbound(key=key, kind=kind, message_id=message_id[:128], reply={}, created_at=now)
    session.add(row)
    try:
        await session.flush()
    except IntegrityError:
        return None
    return row
