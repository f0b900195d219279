"""手机号 + 验证码 sign-in (the seed's way for registered users)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.auth.accounts import account_by_mobile, credential_of, refuse_disabled
from handlers.auth.errors import InvalidSmsCode
from handlers.auth.policy import AuthPolicy
from handlers.auth.sessions import IssuedSession, issue_session
from handlers.auth.sms_codes import spend_code
from handlers.errors import InvalidInput
from handlers.organisation.validation import mobile as valid_mobile
from store.models.auth import SessionKind, SmsPurpose
from store.uow import UnitOfWork


@dataclass(frozen=True)
class LoginWithSmsCode:
    mobile: str
    code: str
    kind: SessionKind = SessionKind.WEB


async def login_with_sms_code(cmd: LoginWithSmsCode, uow: UnitOfWork, policy: AuthPolicy) -> IssuedSession:
    try:
        number = valid_mobile(cmd.mobile)
    except InvalidInput:
        raise InvalidSmsCode() from None
    async with uow:
        account = await account_by_mobile(uow, number)
        if account is None:
            raise InvalidSmsCode()
        refuse_disabled(account)
        await spend_code(uow, policy, number, SmsPurpose.LOGIN, cmd.code)
        credential = await credential_of(uow, account.id)
        must_change = credential is not None and credential.must_change
        issued = await issue_session(uow, policy, account.id, cmd.kind, must_change_password=must_change)
        await uow.commit()
        return issued
