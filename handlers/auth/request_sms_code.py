"""Send a 6-digit sign-in or reset code by SMS, within the provider's per-number windows (1 a minute, 5 an hour,
10 a rolling day by default); a request beyond them is refused with the time to wait."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.auth.accounts import account_by_mobile
from handlers.auth.policy import AuthPolicy
from handlers.auth.ports import SendQuota
from handlers.auth.sms_codes import issue_code, reserve_code
from handlers.errors import InvalidInput
from handlers.organisation.validation import mobile as valid_mobile
from store.models.auth import SmsPurpose
from store.models.organisation import CLOSED_STATUSES
from store.uow import UnitOfWork

PUBLIC_PURPOSES = {p.value: p for p in (SmsPurpose.LOGIN, SmsPurpose.RESET, SmsPurpose.REGISTER)}


@dataclass(frozen=True)
class RequestSmsCode:
    mobile: str
    purpose: str


async def request_sms_code(cmd: RequestSmsCode, uow: UnitOfWork, policy: AuthPolicy, quota: SendQuota) -> None:
    """The answer is the same whether or not the number has an account: the page must not reveal who is
    registered. Only a number with a usable account is sent a code (and counted) — and, for registration, a
    number without one."""
    number = valid_mobile(cmd.mobile)
    # A mobile change asks for its code signed in (request_mobile_change_code), never here.
    purpose = PUBLIC_PURPOSES.get(cmd.purpose)
    if purpose is None:
        raise InvalidInput("验证码用途有误", code="invalid_purpose")
    async with uow:
        account = await account_by_mobile(uow, number, lock=True)
        # A registration code goes to a new number too: registering with it creates the account, or signs in
        # the one the number has (so the answer still tells no one who is registered).
        closed = account is not None and account.status in CLOSED_STATUSES
        if closed or (account is None and purpose != SmsPurpose.REGISTER):
            # Counted like a real request, so that a 429 does not tell registered numbers apart.
            await reserve_code(quota, policy, number, uow.clock.now())
            return
        await issue_code(uow, policy, quota, number, purpose)
        await uow.commit()
