"""A follower who leaves before their digest went out (the unsubscribe push, or WeChat refusing the send with
43004) never saw its demands: the pairs that would keep those demands out of later digests are let go, so an
expert who follows again is not left without them. A digest that was sent keeps its pairs."""

from __future__ import annotations

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.models.expert_digest import DigestMessage, DigestPair
from store.models.outbox import OutboxMessage, OutboxStatus


async def release_unsent_pairs(session: AsyncSession, openid: str) -> int:
    """Inside the caller's transaction; answers how many pairs were let go."""
    unsent = (
        select(DigestMessage.id)
        .outerjoin(OutboxMessage, OutboxMessage.id == DigestMessage.outbox_id)
        .where(
            DigestMessage.openid == openid, or_(OutboxMessage.id.is_(None), OutboxMessage.status != OutboxStatus.SENT)
        )
    )
    result = await session.execute(delete(DigestPair).where(DigestPair.digest_message_id.in_(unsent)))
    return int(getattr(result, "rowcount", 0) or 0)
