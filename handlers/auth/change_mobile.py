"""A signed-in person moves their account to a new number, proven by the code sent to it.

Their DingTalk and WeChat bindings stay: the session proves the same person holds them. Other devices
sign in again. (When the person cannot sign in — a lost phone — an admin corrects the number instead,
and the platform identities are bound again at the next sign-in: handlers/auth/correct_mobile.py.)
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.auth.errors import InvalidSmsCode
from handlers.auth.policy import AuthPolicy
from handlers.auth.sessions import revoke_sessions
from handlers.auth.sms_codes import spend_code
from handlers.errors import InvalidInput, NotFound
from handlers.organisation.clashes import retry_on_clash
from handlers.organisation.people import MOBILE_TAKEN, move_mobile
from handlers.organisation.validation import mobile as valid_mobile
from store.models.auth import SmsPurpose
from store.models.organisation import Account
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ChangeMobile:
    account_id: int
    new_mobile: str
    code: str
    session_id: int | None = None  # the session making the change stays signed in


async def change_mobile(cmd: ChangeMobile, uow: UnitOfWork, policy: AuthPolicy) -> None:
    try:
        number = valid_mobile(cmd.new_mobile)
    except InvalidInput:
        raise InvalidSmsCode() from None

    async def attempt() -> None:
        async with uow:
            account = await uow.session.scalar(select(Account).where(Account.id == cmd.account_id).with_for_update())
            if account is None:
                raise NotFound("未找到该账号")
            await spend_code(uow, policy, number, SmsPurpose.CHANGE_MOBILE, cmd.code)
            await move_mobile(uow, account, number, actor=f"account:{account.id}", action="mobile_changed")
            await revoke_sessions(uow, account.id, keep_session_id=cmd.session_id)
            await uow.commit()

    await retry_on_clash(attempt, MOBILE_TAKEN)
