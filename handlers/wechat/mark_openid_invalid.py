"""The platform refused an openid as invalid for our account (40003) when we sent to it.

That usually means an openid of another app (the mini-program's, a test account's) was stored as a
follower's, not that a person left: nothing is erased and no follower is invented. The binding is
marked broken so pushes stop and the cause can be found; a later follow event clears the mark.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from store.models.wechat import WeChatFollower
from store.uow import UnitOfWork


@dataclass(frozen=True)
class MarkOpenidInvalid:
    app_id: str
    openid: str
    reason: str  # the platform's code, e.g. "40003"


async def mark_openid_invalid(cmd: MarkOpenidInvalid, uow: UnitOfWork) -> bool:
    """True when a known follower was marked; False for an openid we never recorded (nothing created)."""
    async with uow:
        query = select(WeChatFollower).where(WeChatFollower.app_id == cmd.app_id, WeChatFollower.openid == cmd.openid)
        follower = (await uow.session.execute(query.with_for_update())).scalar_one_or_none()
        if follower is None:
            return False
        now = uow.clock.now()
        if follower.binding_error is None:
            follower.binding_error = cmd.reason[:32]
            follower.binding_error_at = now
            follower.updated_at = now
            uow.record(
                "wechat_follower", follower.id, "binding_broken", data={"app_id": cmd.app_id, "reason": cmd.reason}
            )
        await uow.commit()
        return True
