"""A person followed the official account (or scanned a QR code while following)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from handlers.wechat.followers import is_stale, lock_follower, personal
from store.transaction import Transaction


@dataclass(frozen=True)
class RecordFollow:
    app_id: str
    openid: str
    scene: str | None
    scan: bool = False  # a SCAN by someone already following
    event_at: datetime | None = None  # the push's CreateTime; None: now


@dataclass(frozen=True)
class FollowRecorded:
    duplicate: bool
    follower_id: int | None = None
    stale: bool = False  # older than an event already applied: ignored


async def record_follow(cmd: RecordFollow, tx: Transaction) -> FollowRecorded:
    """Marks the follower subscribed and keeps the scene they came with. Runs in the transaction that claimed the
    push's key (a retried push changes nothing: it is answered FollowRecorded(duplicate=True))."""
    now = tx.clock.now()
    follower = await lock_follower(tx.session, cmd.app_id, cmd.openid, now)
    event_at = cmd.event_at or now
    if is_stale(follower, event_at):
        # Committed all the same: the key stays claimed, so a retry stays a duplicate.
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
    tx.record(
        "wechat_follower",
        follower.id,
        "scanned" if cmd.scan else "followed",
        data={"app_id": cmd.app_id, "scene": cmd.scene},
        personal=personal(cmd.openid),
    )
    return FollowRecorded(duplicate=False, follower_id=follower.id)
