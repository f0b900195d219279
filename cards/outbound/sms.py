"""The SMS message: a template and its parameters (cards.expert_invitation, the policies' template codes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Self

from cards.outbound.base import Channel, Outbound, Stored, obj, strings, text


@dataclass(frozen=True, kw_only=True)
class SmsMessage(Outbound):
    """Stored payload: {template_code, params, expires_at? (ISO 8601)}; the recipient is the mobile number.

    A verification code carries `expires_at`: the channel never sends it late (it is dead-lettered instead);
    without it, a notification, spaced and capped per number by the channel."""

    channel: ClassVar[Channel] = Channel.SMS

    recipient: str  # mobile number
    template_code: str
    params: dict[str, str]
    expires_at: datetime | None = None
    source: str | None = None

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"template_code": self.template_code, "params": dict(self.params)}
        if self.expires_at is not None:
            payload["expires_at"] = self.expires_at.isoformat()
        return payload

    @classmethod
    def from_payload(cls, row: Stored) -> Self:
        raw = row.payload.get("expires_at")
        return cls(
            recipient=row.recipient,
            template_code=text(row.payload, "template_code"),
            params=strings(obj(row.payload, "params")) if row.payload.get("params") else {},
            expires_at=datetime.fromisoformat(str(raw)) if raw is not None else None,
            source=row.source,
        )
