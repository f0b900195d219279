"""Self-registration by phone and SMS code (seed 000: 新用户请先点击【注册】). One person stays one account: a number
that already has an account — made by an admin, an invitation, the mini-program or an earlier registration — signs
into it and keeps its name; only a new number creates an account."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.auth.accounts import account_by_mobile, credential_of, refuse_disabled
from handlers.auth.errors import InvalidSmsCode
from handlers.auth.policy import AuthPolicy
from handlers.auth.sessions import IssuedSession, issue_session
from handlers.auth.sms_codes import spend_code
from handlers.errors import InvalidInput
from handlers.organisation.clashes import retry_on_clash
from handlers.organisation.people import subject_of
from handlers.organisation.validation import mobile as valid_mobile
from store.models.auth import SessionKind, SmsPurpose
from store.models.organisation import Account, AccountStatus
from store.uow import UnitOfWork

NAME_MAX = 64


@dataclass(frozen=True)
class RegisterAccount:
    mobile: str
    code: str
    name: str
    kind: SessionKind = SessionKind.WEB


@dataclass(frozen=True)
class Registered:
    session: IssuedSession
    created: bool  # False: the number had an account, now signed in


async def register_account(cmd: RegisterAccount, uow: UnitOfWork, policy: AuthPolicy) -> Registered:
    try:
        number = valid_mobile(cmd.mobile)
    except InvalidInput:
        raise InvalidSmsCode() from None
    name = cmd.name.strip()
    if len(name) > NAME_MAX:
        raise InvalidInput(f"姓名不能超过{NAME_MAX}个字", code="field_too_long", field="name")
    # Two registrations of one new number at once: the loser's account insert clashes on the unique mobile and
    # runs again, now finding the winner's account (its code was spent by the winner: it is refused as used).
    return await retry_on_clash(lambda: _register(cmd, number, name, uow, policy))


async def _register(cmd: RegisterAccount, number: str, name: str, uow: UnitOfWork, policy: AuthPolicy) -> Registered:
    async with uow:
        account = await account_by_mobile(uow, number, lock=True)
        if account is not None:
            refuse_disabled(account)
        elif not name:
            # Checked before the code is spent, so a forgotten name does not cost the code.
            raise InvalidInput("请填写姓名", code="missing_field", field="name")
        # A wrong code is committed as a wrong try before the refusal (spend_code).
        await spend_code(uow, policy, number, SmsPurpose.REGISTER, cmd.code)
        created = account is None
        if account is None:
            now = uow.clock.now()
            # The person proved the number: the account is active at once (no invitation to accept).
            account = Account(name=name, mobile=number, status=AccountStatus.ACTIVE, created_at=now, updated_at=now)
            uow.session.add(account)
            await uow.session.flush()
            uow.record(
                "account",
                account.id,
                "registered",
                actor=f"account:{account.id}",
                data={"status": account.status},
                personal={"name": (subject_of(account.id), name), "mobile": (subject_of(account.id), number)},
            )
        credential = await credential_of(uow, account.id)
        must_change = credential is not None and credential.must_change
        issued = await issue_session(uow, policy, account.id, cmd.kind, must_change_password=must_change)
        await uow.commit()
        return Registered(issued, created)
