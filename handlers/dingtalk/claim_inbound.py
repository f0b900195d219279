"""The inbox of acted-upon DingTalk pushes (card presses, events): a unique business key written in the
same transaction as the effect, so a repeat or a redelivery to any instance has no second effect."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from store.db import insert_for
from store.models.dingtalk import DingTalkInbound


async def claim_inbound(
    session: AsyncSession, *, key: str, kind: str, message_id: str, now: datetime
) -> DingTalkInbound | None:
    """The claimed row the first time `key` is seen; set its `reply` before committing.

    Call it first in the transaction, before the effect. One INSERT … ON CONFLICT DO NOTHING: a claim held by
    a transaction not yet committed makes this one wait for its outcome. None means a repeat of a push already
    acted upon; the transaction stays usable (to read the first reply) and must write nothing else."""
    return await session.scalar(
        insert_for(session, DingTalkInbound)
        .values(key=key, kind=kind, message_id=message_id[:128], reply={}, created_at=now)
        .on_conflict_do_nothing(index_elements=[DingTalkInbound.key]).returning(DingTalkInbound))


async def first_reply(session: AsyncSession, key: str) -> dict[str, object]:
    """The answer given when `key` was first acted upon (empty if unknown)."""
    reply = await session.scalar(select(DingTalkInbound.reply).where(DingTalkInbound.key == key))
    return dict(reply) if isinstance(reply, dict) else {}
