"""One-time SMS codes: stored salted and hashed, spent once, burnt after too many wrong tries."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from cards.outbound import SmsMessage
from handlers.auth.errors import InvalidSmsCode, SmsTooFrequent
from handlers.auth.policy import AuthPolicy
from handlers.auth.ports import SendQuota
from store.models.auth import SmsCode, SmsPurpose
from store.uow import UnitOfWork


def code_digest(code: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


async def spend_code(uow: UnitOfWork, policy: AuthPolicy, mobile: str, purpose: SmsPurpose, code: str) -> None:
    """Spend the number's live code or raise InvalidSmsCode. A wrong try is committed before raising."""
    now = uow.clock.now()
    live = await uow.session.scalar(
        select(SmsCode)
        .where(
            SmsCode.mobile == mobile, SmsCode.purpose == purpose, SmsCode.used_at.is_(None), SmsCode.expires_at > now
        )
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


async def reserve_code(quota: SendQuota, policy: AuthPolicy, mobile: str, now: datetime) -> None:
    """Count one code for `mobile` in the provider's rolling windows (1 a minute, 5 an hour, 10 a day by
    default) or raise SmsTooFrequent with the time to wait. A code that cannot go now is refused here,
    never queued to arrive after its validity. The count is shared by every instance and every purpose."""
    wait = await quota.take_within(
        [
            (f"sms:code:{mobile}", policy.sms_resend_seconds, 1),
            (f"sms:code:{mobile}", 3600.0, policy.sms_hourly_per_number),
            (f"sms:code:{mobile}", 86400.0, policy.sms_daily_per_number),
        ],
        now=now,
    )
    if wait > 0:
        raise SmsTooFrequent.waiting(wait)


async def issue_code(
    uow: UnitOfWork,
    policy: AuthPolicy,
    quota: SendQuota,
    mobile: str,
    purpose: SmsPurpose,
    *,
    requested_by: int | None = None,
) -> None:
    """Write a new code and its SMS into the caller's transaction, within the per-number windows (and, for a
    signed-in requester, their own daily allowance).

    The caller holds a row lock that serialises requests by this requester, so their allowance holds under
    races; the per-number windows are counted atomically in `quota`.
    """
    now = uow.clock.now()
    midnight = local_midnight(now, policy)
    if requested_by is not None:
        asked = await uow.session.scalar(
            select(func.count())
            .select_from(SmsCode)
            .where(SmsCode.requested_by == requested_by, SmsCode.created_at >= midnight)
        )
        if (asked or 0) >= policy.mobile_change_codes_per_account:
            raise SmsTooFrequent("今日更换手机号的验证码次数已达上限，请明天再试")
    await reserve_code(quota, policy, mobile, now)
    # A new code replaces any earlier one for the same purpose.
    await uow.session.execute(
        update(SmsCode)
        .where(SmsCode.mobile == mobile, SmsCode.purpose == purpose, SmsCode.used_at.is_(None))
        .values(used_at=now)
    )
    code = f"{secrets.randbelow(10**6):06d}"
    salt = secrets.token_hex(8)
    expires_at = now + timedelta(seconds=policy.sms_code_seconds)
    uow.session.add(
        SmsCode(
            mobile=mobile,
            purpose=purpose,
            code_hash=code_digest(code, salt),
            salt=salt,
            wrong_attempts=0,
            requested_by=requested_by,
            created_at=now,
            expires_at=expires_at,
            used_at=None,
        )
    )
    # The channel never sends a code after `expires_at` (minus a margin): a late code is dead-lettered.
    await uow.send(
        SmsMessage(
            recipient=mobile,
            template_code=policy.sms_template(purpose),
            params={"code": code},
            expires_at=expires_at,
            source=f"auth.sms_code.{purpose.value}",
        )
    )


def local_midnight(now: datetime, policy: AuthPolicy) -> datetime:
    zone = ZoneInfo(policy.timezone)
    return datetime.combine(now.astimezone(zone).date(), datetime.min.time(), zone)
