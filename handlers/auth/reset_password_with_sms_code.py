"""A forgotten password is replaced with a reset code; every session of the account ends."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.auth.accounts import PasswordEvent, account_by_mobile, refuse_disabled, store_password
from handlers.auth.errors import InvalidSmsCode
from handlers.auth.passwords import new_password
from handlers.auth.policy import AuthPolicy
from handlers.auth.sessions import revoke_sessions
from handlers.auth.sms_codes import spend_code
from handlers.errors import InvalidInput
from handlers.organisation.validation import mobile as valid_mobile
from store.models.auth import SmsPurpose
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ResetPasswordWithSmsCode:
    mobile: str
    code: str
    new_password: str


async def reset_password_with_sms_code(cmd: ResetPasswordWithSmsCode, uow: UnitOfWork, policy: AuthPolicy) -> None:
    password = new_password(cmd.new_password)
    try:
        number = valid_mobile(cmd.mobile)
    except InvalidInput:
        raise InvalidSmsCode() from None
    async with uow:
        account = await account_by_mobile(uow, number, lock=True)
        if account is None:
            raise InvalidSmsCode()
        refuse_disabled(account)
        await spend_code(uow, policy, number, SmsPurpose.RESET, cmd.code)
        await store_password(
            uow, account.id, password, must_change=False, event=PasswordEvent.RESET, actor=f"account:{account.id}"
        )
        await revoke_sessions(uow, account.id)
        await uow.commit()
