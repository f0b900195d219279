"""The message of the test channel (sandbox/test_provider.py), used by the suite, the demo and the benchmarks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Self

from cards.outbound.base import Channel, Outbound, Stored


@dataclass(frozen=True, kw_only=True)
class TestMessage(Outbound):
    """Stored payload: any object (the provider shows `title` and `text`); the provider honours an idempotency key
    only when the row carries one."""

    __test__: ClassVar[bool] = False  # not a pytest class
    channel: ClassVar[Channel] = Channel.TEST

    recipient: str
    body: dict[str, Any]
    idempotency_key: str | None = None
    source: str | None = None

    @property
    def platform_key(self) -> str | None:
        return self.idempotency_key

    def to_payload(self) -> dict[str, Any]:
        return dict(self.body)

    @classmethod
    def from_payload(cls, row: Stored) -> Self:
        return cls(recipient=row.recipient, body=dict(row.payload), idempotency_key=row.platform_key, source=row.source)
