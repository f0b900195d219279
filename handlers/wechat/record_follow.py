"""A person followed the official account (or scanned a QR code while following)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from handlers.wechat.followers import is_stale, lock_follower, personal
from handlers.wechat.inbox import claim_inbox
from store.uow import UnitOfWork


@dataclass(frozen=True)
class RecordFollow:
    app_id: str
    openid: str
    scene: str | None
    inbox_key: str
    scan: bool = False  # a SCAN by someone already following
    event_at: datetime | None = None  # the push's CreateTime; None: now


@dataclass(frozen=True)
class FollowRecorded:
    duplicate: bool
    follower_id: int | None = None
    stale: bool = False  # older than an event already applied: ignored


async def record_follow(cmd: RecordFollow, uow: UnitOfWork) -> FollowRecorded:
    """Marks the follower subscribed and keeps the scene they came with; a retried push changes nothing."""
    async with uow:
        now = uow.clock.now()
        if not await claim_inbox(uow.session, key=cmd.inbox_key, kind="scan" if cmd.scan else "subscribe", now=now):
            return FollowRecorded(duplicate=True)
        follower = await lock_follower(uow.session, cmd.app_id, cmd.openid, now)
        event_at = cmd.event_at or now
        if is_stale(follower, event_at):
            await uow.commit()  # keeps the inbox key: a retry stays a duplicate
            return FollowRecorded(duplicate=False, follower_id=follower.id, stale=True)
        follower.last_event_at = event_at
        if cmd.scene is not None:
            follower.scene = cmd.scene
        if not follower.subscribed:
            follower.followed_at = now
        follower.subscribed = True
        follower.unfollowed_at = None
        follower.unfollow_reason = None
        follower.binding_error = None  # a follow event proves the openid is ours
        follower.binding_error_at = None
        follower.updated_at = now
        uow.record(
            "wechat_follower",
            follower.id,
            "scanned" if cmd.scan else "followed",
            data={"app_id": cmd.app_id, "scene": cmd.scene},
            personal=personal(cmd.openid),
        )
        await uow.commit()
        return FollowRecorded(duplicate=False, follower_id=follower.id)
