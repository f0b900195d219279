"""A follower left, or the platform told us they cannot receive pushes any more."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from handlers.expert_digest.unsent import release_unsent_pairs
from handlers.wechat.followers import is_stale, lock_follower, personal
from store.audit.erase import erase_subject
from store.transaction import Transaction


@dataclass(frozen=True)
class RecordUnfollow:
    app_id: str
    openid: str
    # "unsubscribe" for the event; the platform's "43004" when a send was refused.
    reason: str
    event_at: datetime | None = None  # the push's CreateTime; None (a refused send): now


@dataclass(frozen=True)
class UnfollowRecorded:
    duplicate: bool
    changed: bool = False
    stale: bool = False  # older than an event already applied: ignored


async def record_unfollow(cmd: RecordUnfollow, tx: Transaction) -> UnfollowRecorded:
    """Stops every push to the follower: channels refuse recipients marked here. The platform requires
    a leaver's data to be deleted: their unionid goes, and their values leave the audit trail (its
    digests stay verifiable). The openid stays, pseudonymous, so pushes to it can be refused. Runs in the
    caller's transaction (for the event, the one that claimed the push's key)."""
    now = tx.clock.now()
    follower = await lock_follower(tx.session, cmd.app_id, cmd.openid, now)
    event_at = cmd.event_at or now
    if is_stale(follower, event_at):
        return UnfollowRecorded(duplicate=False, stale=True)  # committed: a retry stays a duplicate
    follower.last_event_at = event_at
    if not follower.subscribed and follower.unfollowed_at is not None:
        return UnfollowRecorded(duplicate=False, changed=False)
    follower.subscribed = False
    follower.unfollowed_at = now
    follower.unfollow_reason = cmd.reason[:32]
    follower.unionid = None
    follower.updated_at = now
    subject = personal(cmd.openid)["openid"][0]
    tx.record("wechat_follower", follower.id, "unfollowed", data={"app_id": cmd.app_id, "reason": cmd.reason})
    await erase_subject(tx.session, subject=subject, now=now)
    await release_unsent_pairs(tx.session, cmd.openid)
    return UnfollowRecorded(duplicate=False, changed=True)
