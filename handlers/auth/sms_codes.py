"""One-time SMS codes: stored salted and hashed, spent once, burnt after too many wrong tries."""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import select

from handlers.auth.errors import InvalidSmsCode
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
