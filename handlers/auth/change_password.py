"""A signed-in person changes their password (also how an admin-set password is replaced)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.auth.accounts import PasswordEvent, credential_of, store_password
from handlers.auth.errors import LoginFailed
from handlers.auth.passwords import new_password, verify_password
from handlers.auth.sessions import revoke_sessions
from handlers.errors import InvalidInput
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ChangePassword:
    account_id: int
    old_password: str
    new_password: str
    session_id: int | None = None  # the session making the change stays signed in


async def change_password(cmd: ChangePassword, uow: UnitOfWork) -> None:
    password = new_password(cmd.new_password)
    if password == cmd.old_password:
        raise InvalidInput("新密码不能与原密码相同", code="same_password")
    async with uow:
        credential = await credential_of(uow, cmd.account_id, lock=True)
        if credential is None or not verify_password(
            cmd.old_password, credential.password_hash, credential.salt, credential.kdf
        ):
            raise LoginFailed("原密码错误", code="wrong_password")
        await store_password(
            uow,
            cmd.account_id,
            password,
            must_change=False,
            event=PasswordEvent.CHANGED,
            actor=f"account:{cmd.account_id}",
        )
        await revoke_sessions(uow, cmd.account_id, keep_session_id=cmd.session_id)
        await uow.commit()
