"""The inbox of acted-upon pushes: a unique key written in the same transaction as the effect."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from store.models.wechat import WeChatInbox


async def claim_inbox(session: AsyncSession, *, key: str, kind: str, now: datetime) -> bool:
    """True the first time `key` is seen. False means a retry of a push already acted upon; the
    transaction is then unusable and the caller must return without writing anything else."""
    session.add(WeChatInbox(key=key[:191], kind=kind, received_at=now))
    try:
        await session.flush()
    except IntegrityError:
        return False
    return True
