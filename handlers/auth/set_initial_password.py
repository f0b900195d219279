"""An admin sets someone's password; the person must change it at first sign-in."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.auth.accounts import store_password
from handlers.auth.passwords import new_password
from handlers.auth.sessions import revoke_sessions
from handlers.errors import NotFound
from handlers.organisation.actors import load_actor, require_system_admin
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
        # Only the system admin for now; institution admins for their own staff can follow with the scope rules.
        require_system_admin(await load_actor(uow, cmd.actor_id))
        account = await uow.session.scalar(select(Account).where(Account.id == cmd.account_id).with_for_update())
        if account is None:
            raise NotFound("未找到该账号")
        await store_password(uow, account.id, password, must_change=True)
        await revoke_sessions(uow, account.id)
        await uow.record("account", account.id, "password_set_by_admin", actor=f"account:{cmd.actor_id}")
        await uow.commit()
