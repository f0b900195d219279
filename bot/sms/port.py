"""The SMS port: what the channel needs from any provider, and the provider's answers in our terms."""

from __future__ import annotations

from typing import Protocol


class SmsError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class SmsRejected(SmsError):
    """This message can never go: bad number, template, signature or parameters."""


class SmsThrottled(SmsError):
    """The provider's own flow control; worth trying later."""


class SmsUnavailable(SmsError):
    """No usable answer: network, timeout, provider error."""


class SmsAccountBlocked(SmsError):
    """Nothing can go on this account (credentials, arrears): the whole channel must stop."""


class SmsSender(Protocol):
    async def send(self, phone: str, template_code: str, params: dict[str, str], *, out_id: str | None) -> str:
        """Returns the provider's message id, which its delivery receipts name."""
        ...
