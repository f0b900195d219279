"""One-time SMS codes: stored salted and hashed, spent once, burnt after too many wrong tries."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from handlers.auth.errors import InvalidSmsCode, SmsTooFrequent
from handlers.auth.policy import AuthPolicy
from store.models.auth import SmsCode, SmsPurpose
from store.uow import UnitOfWork


def code_digest(code: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


async def spend_code(uow: UnitOfWork, policy: AuthPolicy, mobile: str, purpose: SmsPurpose, code: str) -> None:
    """Spend the number's live code or raise InvalidSmsCode. A wrong try is committed before raising."""
    now = uow.clock.now()
    live = await uow.session.scalar(
        select(SmsCode)
        .where(SmsCode.mobile == mobile, SmsCode.purpose == purpose, SmsCode.used_at.is_(None),
               SmsCode.expires_at > now)
        .order_by(SmsCode.id.desc())
        .limit(1)
        .with_for_update()
    )
    if live is None:
        raise InvalidSmsCode()
    if not hmac.compare_digest(code_digest(code.strip(), live.salt), live.code_hash):
        live.wrong_attempts += 1
        if live.wrong_attempts >= policy.sms_max_wrong:
            live.used_at = now  # burnt: guessing a 6-digit code must not get many tries
        await uow.commit()
        raise InvalidSmsCode()
    live.used_at = now


async def issue_code(uow: UnitOfWork, policy: AuthPolicy, mobile: str, purpose: SmsPurpose, *,
                     requested_by: int | None = None) -> None:
    """Write a new code and its SMS into the caller's transaction, within the per-number limits (and, for a
    signed-in requester, their own daily allowance).

    The caller holds a row lock that serialises requests for this number (or by this requester), so the
    limits hold under races.
    """
    now = uow.clock.now()
    if await _count_since(uow, mobile, now - timedelta(seconds=policy.sms_resend_seconds)) > 0:
        raise SmsTooFrequent()
    midnight = local_midnight(now, policy)
    if await _count_since(uow, mobile, midnight) >= policy.sms_daily_per_number:
        raise SmsTooFrequent("今日验证码发送次数已达上限，请明天再试")
    if requested_by is not None:
        asked = await uow.session.scalar(select(func.count()).select_from(SmsCode).where(
            SmsCode.requested_by == requested_by, SmsCode.created_at >= midnight))
        if (asked or 0) >= policy.mobile_change_codes_per_account:
            raise SmsTooFrequent("今日更换手机号的验证码次数已达上限，请明天再试")
    # A new code replaces any earlier one for the same purpose.
    await uow.session.execute(
        update(SmsCode)
        .where(SmsCode.mobile == mobile, SmsCode.purpose == purpose, SmsCode.used_at.is_(None))
        .values(used_at=now)
    )
    code = f"{secrets.randbelow(10**6):06d}"
    salt = secrets.token_hex(8)
    uow.session.add(SmsCode(
        mobile=mobile, purpose=purpose, code_hash=code_digest(code, salt), salt=salt, wrong_attempts=0,
        requested_by=requested_by, created_at=now, expires_at=now + timedelta(seconds=policy.sms_code_seconds),
        used_at=None,
    ))
    await uow.send("sms", mobile, {"template_code": policy.sms_template(purpose), "params": {"code": code}},
                   source=f"auth.sms_code.{purpose.value}")


def local_midnight(now: datetime, policy: AuthPolicy) -> datetime:
    zone = ZoneInfo(policy.timezone)
    return datetime.combine(now.astimezone(zone).date(), datetime.min.time(), zone)


async def _count_since(uow: UnitOfWork, mobile: str, since: datetime) -> int:
    return int(await uow.session.scalar(
        select(func.count()).select_from(SmsCode).where(SmsCode.mobile == mobile, SmsCode.created_at >= since)
    ) or 0)
