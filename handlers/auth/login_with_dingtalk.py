"""DingTalk 免登: the micro-app's authCode becomes the bound account's session."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.auth.accounts import account_by_mobile, refuse_disabled
from handlers.auth.errors import AccountNotFound, InvalidLoginCode
from handlers.auth.policy import AuthPolicy
from handlers.auth.ports import DingTalkDirectory
from handlers.auth.sessions import IssuedSession, issue_session
from handlers.dingtalk.waiting_cards import deliver_waiting_cards
from handlers.errors import InvalidInput
from handlers.membership.invitations import refuse_closed_invitation
from handlers.organisation.clashes import retry_on_clash
from store.models.auth import DingTalkBinding, SessionKind
from store.models.organisation import Account
from store.transaction import Transaction
from store.uow import UnitOfWork


@dataclass(frozen=True)
class LoginWithDingTalk:
    auth_code: str


async def login_with_dingtalk(
    cmd: LoginWithDingTalk, uow: UnitOfWork, policy: AuthPolicy, dingtalk: DingTalkDirectory
) -> IssuedSession:
    code = cmd.auth_code.strip()
    if not code:
        raise InvalidInput("缺少免登授权码", code="missing_auth_code")
    # The platform calls happen before the transaction: no row lock is held across the network.
    userid = await dingtalk.userid_for_auth_code(code)
    if userid is None:
        raise InvalidLoginCode("免登授权码无效或已过期，请重新打开应用", code="invalid_auth_code")
    # Someone already bound (every sign-in but the first): one transaction.
    issued = await _sign_in_bound(uow, policy, userid)
    if issued is not None:
        return issued
    # The first: the directory's mobile names the person, asked outside any transaction. Two first sign-ins racing
    # to bind: the loser's retry finds the winner's binding.
    mobile = await dingtalk.mobile_of(userid)
    return await retry_on_clash(lambda: _sign_in(uow, policy, userid, mobile))


async def _bound_account(tx: Transaction, userid: str) -> Account | None:
    bound = select(Account).join(DingTalkBinding, DingTalkBinding.account_id == Account.id)
    return await tx.session.scalar(bound.where(DingTalkBinding.userid == userid))


async def _sign_in_bound(uow: UnitOfWork, policy: AuthPolicy, userid: str) -> IssuedSession | None:
    async with uow:
        account = await _bound_account(uow, userid)
        if account is None:
            return None
        refuse_disabled(account)
        return await _issue(uow, policy, account)


async def _sign_in(uow: UnitOfWork, policy: AuthPolicy, userid: str, mobile: str | None) -> IssuedSession:
    async with uow:
        account = await _bound_account(uow, userid)  # bound meanwhile, by a racing first sign-in
        if account is not None:
            refuse_disabled(account)
        else:
            # First sign-in: the directory's mobile names the person; bind them so later sign-ins need no lookup.
            found = await account_by_mobile(uow, mobile, lock=True) if mobile else None
            if found is None:
                raise AccountNotFound()
            account = found
            refuse_disabled(account)
            await refuse_closed_invitation(uow, account)
            # Under the account's lock: a racing sign-in may have bound it to this very member meanwhile.
            current = await uow.session.scalar(
                select(DingTalkBinding.userid).where(DingTalkBinding.account_id == account.id)
            )
            if current is None:
                uow.session.add(DingTalkBinding(account_id=account.id, userid=userid, created_at=uow.clock.now()))
                await uow.session.flush()
                await deliver_waiting_cards(uow, account.id, userid)  # what was assigned before they were bound
            elif current != userid:
                # Bound to another DingTalk member already: an admin must sort it out.
                raise AccountNotFound()
        return await _issue(uow, policy, account)


async def _issue(uow: UnitOfWork, policy: AuthPolicy, account: Account) -> IssuedSession:
    issued = await issue_session(uow, policy, account.id, SessionKind.MICRO_APP)
    await uow.commit()
    return issued
