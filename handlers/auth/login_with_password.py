"""手机号 + 密码 sign-in with a lockout after repeated failures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from handlers.auth.accounts import account_by_mobile, credential_of, refuse_disabled
from handlers.auth.errors import LoginFailed, TooManyAttempts
from handlers.auth.passwords import burn_time, verify_password
from handlers.auth.policy import AuthPolicy
from handlers.auth.sessions import IssuedSession, issue_session
from handlers.errors import InvalidInput
from handlers.organisation.validation import mobile as valid_mobile
from store.models.auth import SessionKind
from store.uow import UnitOfWork


@dataclass(frozen=True)
class LoginWithPassword:
    mobile: str
    password: str
    kind: SessionKind = SessionKind.WEB


async def login_with_password(cmd: LoginWithPassword, uow: UnitOfWork, policy: AuthPolicy) -> IssuedSession:
    try:
        number = valid_mobile(cmd.mobile)
    except InvalidInput:
        raise LoginFailed() from None  # the same answer as for a wrong password
    async with uow:
        now = uow.clock.now()
        account = await account_by_mobile(uow, number)
        credential = None if account is None else await credential_of(uow, account.id, lock=True)
        if account is None or credential is None:
            burn_time(cmd.password)
            raise LoginFailed()
        if credential.locked_until is not None and credential.locked_until > now:
            raise _locked(policy)
        if not verify_password(cmd.password, credential.password_hash, credential.salt, credential.kdf):
            # The failure is committed: it is the state the lockout counts on.
            credential.failed_attempts += 1
            locked = credential.failed_attempts >= policy.lockout_failures
            if locked:
                credential.failed_attempts = 0
                credential.locked_until = now + timedelta(minutes=policy.lockout_minutes)
            await uow.commit()
            raise _locked(policy) if locked else LoginFailed()
        refuse_disabled(account)
        credential.failed_attempts = 0
        credential.locked_until = None
        issued = await issue_session(uow, policy, account.id, cmd.kind, must_change_password=credential.must_change)
        await uow.commit()
        return issued


def _locked(policy: AuthPolicy) -> TooManyAttempts:
    return TooManyAttempts(f"登录失败次数过多，请{policy.lockout_minutes:g}分钟后再试")
