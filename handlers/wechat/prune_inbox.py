"""Forget old inbox keys: WeChat retries a push within seconds, so a week is ample."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from store.models.wechat import WeChatInbox
from store.uow import UnitOfWork


async def prune_inbox(uow: UnitOfWork, *, keep: timedelta = timedelta(days=7)) -> int:
    """For a daily scheduler job; returns how many keys were dropped."""
    async with uow:
        result = await uow.session.execute(delete(WeChatInbox).where(WeChatInbox.received_at < uow.clock.now() - keep))
        await uow.commit()
        return int(getattr(result, "rowcount", 0))
