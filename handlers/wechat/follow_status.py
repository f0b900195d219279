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


async def push_refusal(app_id: str, openid: str, uow: UnitOfWork) -> str | None:
    """Why a push to the openid must not go (it unfollowed, or its binding is broken); None: send."""
    async with uow:
        row = (
            await uow.session.execute(
                select(WeChatFollower.subscribed, WeChatFollower.binding_error).where(
                    WeChatFollower.app_id == app_id, WeChatFollower.openid == openid
                )
            )
        ).one_or_none()
    if row is None:
        return None  # unknown to us: the platform decides
    if row.subscribed is False:
        return "recipient has unfollowed the official account; not sent"
    if row.binding_error:
        return f"recipient's openid was refused by the platform ({row.binding_error}); not sent"
    return None
