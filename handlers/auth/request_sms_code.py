"""Send a 6-digit sign-in or reset code by SMS, at most one a minute and ten a day per number."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from handlers.auth.accounts import account_by_mobile
from handlers.auth.errors import SmsTooFrequent
from handlers.auth.policy import AuthPolicy
from handlers.auth.sms_codes import code_digest
from handlers.errors import InvalidInput
from handlers.organisation.validation import mobile as valid_mobile
from store.models.auth import SmsCode, SmsPurpose
from store.models.organisation import AccountStatus
from store.uow import UnitOfWork


@dataclass(frozen=True)
class RequestSmsCode:
    mobile: str
    purpose: str


async def request_sms_code(cmd: RequestSmsCode, uow: UnitOfWork, policy: AuthPolicy) -> None:
    """The answer is the same whether or not the number has an account: the page must not reveal who is
    registered. Only a number with a usable account is sent a code (and counted)."""
    number = valid_mobile(cmd.mobile)
    try:
        purpose = SmsPurpose(cmd.purpose)
    except ValueError:
        raise InvalidInput("验证码用途有误", code="invalid_purpose") from None
    async with uow:
        # The account row lock serialises two requests for one number, so the limits hold under races.
        account = await account_by_mobile(uow, number, lock=True)
        if account is None or account.status == AccountStatus.DISABLED:
            return
        now = uow.clock.now()
        recent = await _count_since(uow, number, now - timedelta(seconds=policy.sms_resend_seconds))
        if recent > 0:
            raise SmsTooFrequent()
        zone = ZoneInfo(policy.timezone)
        midnight = datetime.combine(now.astimezone(zone).date(), datetime.min.time(), zone)
        if await _count_since(uow, number, midnight) >= policy.sms_daily_per_number:
            raise SmsTooFrequent("今日验证码发送次数已达上限，请明天再试")
        # A new code replaces any earlier one for the same purpose.
        await uow.session.execute(
            update(SmsCode)
            .where(SmsCode.mobile == number, SmsCode.purpose == purpose, SmsCode.used_at.is_(None))
            .values(used_at=now)
        )
        code = f"{secrets.randbelow(10**6):06d}"
        salt = secrets.token_hex(8)
        uow.session.add(SmsCode(
            mobile=number, purpose=purpose, code_hash=code_digest(code, salt), salt=salt, wrong_attempts=0,
            created_at=now, expires_at=now + timedelta(seconds=policy.sms_code_seconds), used_at=None,
        ))
        await uow.send("sms", number, {"template_code": policy.sms_template(purpose), "params": {"code": code}},
                       source=f"auth.sms_code.{purpose.value}")
        await uow.commit()


async def _count_since(uow: UnitOfWork, mobile: str, since: datetime) -> int:
    return int(await uow.session.scalar(
        select(func.count()).select_from(SmsCode).where(SmsCode.mobile == mobile, SmsCode.created_at >= since)
    ) or 0)
