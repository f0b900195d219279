"""Whether a push may go to an openid."""

from __future__ import annotations

from sqlalchemy import select

from store.models.wechat import WeChatFollower
from store.uow import UnitOfWork


async def follow_status(app_id: str, openid: str, uow: UnitOfWork) -> bool | None:
    """True following, False unfollowed (never push), None unknown to us (the platform decides)."""
    async with uow:
        return (
            await uow.session.execute(
                select(WeChatFollower.subscribed).where(
                    WeChatFollower.app_id == app_id, WeChatFollower.openid == openid
                )
            )
        ).scalar_one_or_none()
