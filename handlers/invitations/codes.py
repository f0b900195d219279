"""The code alphabet, input clean-up and the status a code shows to its institution."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from store.models.invitations import InvitationCode

# Without 0/O and 1/I, so a code read aloud or copied from paper cannot be mistyped into another one.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 8

INVALID = "邀请码无效"
EXPIRED = "邀请码已过期"
EXHAUSTED = "邀请码已达使用上限"
REVOKED = "邀请码已被撤销：{reason}"


class CodeStatus(StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"


def generate() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(value: str) -> str | None:
    """What a person typed, as stored: case, spaces and dashes ignored; None when it cannot be a code."""
    code = value.strip().upper().replace(" ", "").replace("-", "")
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def status_of(code: InvitationCode, now: datetime) -> CodeStatus:
    """Revocation first: its reason is what the person needs to hear."""
    if code.revoked_at is not None:
        return CodeStatus.REVOKED
    if code.expires_at <= now:
        return CodeStatus.EXPIRED
    if code.uses >= code.max_uses:
        return CodeStatus.EXHAUSTED
    return CodeStatus.ACTIVE
