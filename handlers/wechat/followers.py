"""Reading and locking follower rows; shared by the follow use cases."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from store.models.wechat import WeChatFollower


async def lock_follower(session: AsyncSession, app_id: str, openid: str, now: datetime) -> WeChatFollower:
    """The follower's row, created if new, locked for the rest of the transaction (its audit chain too)."""
    query = select(WeChatFollower).where(WeChatFollower.app_id == app_id, WeChatFollower.openid == openid)
    follower = (await session.execute(query.with_for_update())).scalar_one_or_none()
    if follower is None:
        follower = WeChatFollower(app_id=app_id, openid=openid, subscribed=False, updated_at=now)
        session.add(follower)
        await session.flush()
    return follower


def is_stale(follower: WeChatFollower, event_at: datetime) -> bool:
    """An event older than the one already applied; it changes nothing (its inbox key is still kept)."""
    return follower.last_event_at is not None and event_at < follower.last_event_at


def personal(openid: str) -> dict[str, tuple[str, str]]:
    """The openid enters the audit chain only as a digest, erasable with the person."""
    return {"openid": (f"wechat:{openid}", openid)}
