"""A signed-in person asks for a code on the number they want to move their account to."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.auth.accounts import account_by_mobile
from handlers.auth.policy import AuthPolicy
from handlers.auth.ports import SendQuota
from handlers.auth.sms_codes import issue_code
from handlers.errors import Conflict, InvalidInput, NotFound
from handlers.organisation.people import MOBILE_TAKEN
from handlers.organisation.validation import mobile as valid_mobile
from store.models.auth import SmsPurpose
from store.models.organisation import Account
from store.uow import UnitOfWork


@dataclass(frozen=True)
class RequestMobileChangeCode:
    account_id: int
    new_mobile: str


async def request_mobile_change_code(
    cmd: RequestMobileChangeCode, uow: UnitOfWork, policy: AuthPolicy, quota: SendQuota
) -> None:
    number = valid_mobile(cmd.new_mobile)
    async with uow:
        # The requester's row lock serialises their requests; the per-number windows count every purpose.
        account = await uow.session.scalar(select(Account).where(Account.id == cmd.account_id).with_for_update())
        if account is None:
            raise NotFound("未找到该账号")
        if account.mobile == number:
            raise InvalidInput("新手机号码与当前号码相同", code="same_mobile")
        # Telling a signed-in person the number is taken is the only useful answer: they cannot take it.
        if await account_by_mobile(uow, number) is not None:
            raise Conflict(MOBILE_TAKEN, code="mobile_taken")
        await issue_code(uow, policy, quota, number, SmsPurpose.CHANGE_MOBILE, requested_by=account.id)
        await uow.commit()
