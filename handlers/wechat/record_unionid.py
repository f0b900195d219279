"""The platform told us a follower's unionid: the key that links them to the mini-program."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update

from store.models.wechat import WeChatFollower
from store.uow import UnitOfWork


@dataclass(frozen=True)
class RecordUnionid:
    app_id: str
    openid: str
    unionid: str


async def record_unionid(cmd: RecordUnionid, uow: UnitOfWork) -> bool:
    """Idempotent; False when the follower is unknown (nothing to attach it to)."""
    async with uow:
        result = await uow.session.execute(
            update(WeChatFollower)
            .where(WeChatFollower.app_id == cmd.app_id, WeChatFollower.openid == cmd.openid)
            .values(unionid=cmd.unionid[:64], updated_at=uow.clock.now())
            .execution_options(synchronize_session=False)
        )
        await uow.commit()
        return bool(getattr(result, "rowcount", 0))
