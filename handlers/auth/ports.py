"""What sign-in needs from the platforms; the adapters implement these with the DingTalk and WeChat clients."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


class DingTalkDirectory(Protocol):
    async def userid_for_auth_code(self, code: str) -> str | None:
        """The userid behind a 免登 authCode (one-shot), or None when the code is invalid or spent."""
        ...

    async def mobile_of(self, userid: str) -> str | None:
        """The member's mobile number in the corporation's directory, when it is visible to the app."""
        ...


@dataclass(frozen=True)
class MiniProgramIdentity:
    openid: str
    unionid: str | None


class MiniProgramSessions(Protocol):
    async def identify(self, code: str) -> MiniProgramIdentity | None:
        """jscode2session: the person behind a wx.login code, or None when the code is invalid or spent."""
        ...


class MiniProgramPhones(Protocol):
    async def phone_number(self, code: str, openid: str | None) -> str | None:
        """getuserphonenumber: the mainland number behind a getPhoneNumber code, or None when the code is
        invalid, spent or expired. `openid` lets the platform check the code belongs to that user."""
        ...


class SendQuota(Protocol):
    """Rolling-window counters shared by every instance (Redis in production)."""

    async def take_within(self, windows: Sequence[tuple[str, float, int]], *, now: datetime) -> float:
        """Count one use under every (name, window seconds, cap) if each window has room and answer 0.0;
        otherwise count nothing and answer the seconds until every window has room. Atomic across instances."""
        ...
