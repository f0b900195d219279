"""The one small interface every outbound channel adapter implements for the relay.

An adapter reads a row (`OutboundMessage`, and each of its `related`) with the `cards.outbound` class of its
channel, `Message.from_payload(row)`: the class the use case wrote it with. A row the class cannot read is a dead
letter (`malformed`), never a retry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from cards.outbound import Outbound

M = TypeVar("M", bound=Outbound)


@dataclass(frozen=True)
class Related:
    """Another message with the same ordering key (or this one), as it stood when this one was claimed."""

    id: int
    channel: str
    payload: dict[str, Any]
    status: str  # pending, sending, sent, dead
    provider_message_id: str | None
    recipient: str = ""
    platform_key: str | None = None
    ordering_key: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class OutboundMessage:
    id: int
    channel: str
    recipient: str
    payload: dict[str, Any]
    # The platform's idempotency key (DingTalk outTrackId, WeChat client_msg_id) where one exists.
    platform_key: str | None
    attempt: int
    # Messages about one thing (a card, a to-do) share an ordering key. The relay sends one only after every
    # earlier one of its key is sent or dead, and gives it all of them, oldest first, itself included: what
    # came before (a to-do's id) and what was queued since (a card's newer data).
    related: tuple[Related, ...] = ()
    ordering_key: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Delivered:
    provider_message_id: str | None
    delivery_status: str = "accepted"


class DeliveryError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TransientError(DeliveryError):
    """Worth trying again later: timeouts, 5xx, throttling."""

    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class PermanentError(DeliveryError):
    """Trying again cannot help (unknown recipient, unfollowed, invalid content): a dead letter."""


class Deferred(DeliveryError):
    """This message must wait until a moment (e.g. a recipient's daily cap): not an attempt, not an error."""

    def __init__(self, reason: str, *, until: datetime) -> None:
        super().__init__(reason)
        self.until = until


class ChannelPaused(DeliveryError):
    """The provider refuses the whole channel until a moment (e.g. the day's quota is spent)."""

    def __init__(self, reason: str, *, until: datetime) -> None:
        super().__init__(reason)
        self.until = until


class Channel(Protocol):
    @property
    def name(self) -> str:
        """Its `cards.outbound.Channel`: the relay routes the rows of that channel here."""

    async def send(self, message: OutboundMessage) -> Delivered: ...


def read(message_class: type[M], row: OutboundMessage) -> M:
    """The row as the message class its use case wrote; a row it cannot read is a dead letter."""
    try:
        return message_class.from_payload(row)
    except (KeyError, TypeError, ValueError) as exc:
        raise PermanentError(f"malformed {row.channel} payload: {exc}") from exc
