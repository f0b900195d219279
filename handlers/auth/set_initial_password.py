"""An admin sets someone's starting password; the person must change it at first sign-in."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.auth.accounts import PasswordEvent, store_password
from handlers.auth.passwords import new_password
from handlers.auth.sessions import revoke_sessions
from handlers.errors import NotFound
from handlers.organisation.account_authority import require_account_authority
from handlers.organisation.actors import load_actor
from store.models.organisation import Account
from store.uow import UnitOfWork


@dataclass(frozen=True)
class SetInitialPassword:
    actor_id: int
    account_id: int
    password: str


async def set_initial_password(cmd: SetInitialPassword, uow: UnitOfWork) -> None:
    password = new_password(cmd.password)
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        # Authority first: an unknown id and someone else's account answer alike.
        await require_account_authority(uow, actor, cmd.account_id, refusal="只能为本机构的技转人员设置初始密码")
        account = await uow.session.scalar(select(Account).where(Account.id == cmd.account_id).with_for_update())
        if account is None:
            raise NotFound("未找到该账号")
        await store_password(
            uow, account.id, password, must_change=True, event=PasswordEvent.SET_BY_ADMIN, actor=actor.label
        )
        await revoke_sessions(uow, account.id)
        await uow.commit()
