"""The outbound contract's frame: the channel names, the stored row a channel reads, and the message base class.

A message is a frozen dataclass naming its channel. A use case hands it to `uow.send` / `uow.send_later`, which
write `to_payload()` and the row keys the message derives (`platform_key`, `ordering_key`) into the outbox; the
relay's channel adapter reads the row back with the same class (`from_payload(row)`). Payload shapes are the wire
format of stored rows: a class may add optional fields, never rename or drop one.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, Self


class Channel(StrEnum):
    """Every outbox channel; the values are stored in outbox rows and the relay's limits (do not change them)."""

    TEST = "test"
    SMS = "sms"
    DINGTALK_CARD = "dingtalk.card"
    DINGTALK_CARD_UPDATE = "dingtalk.card_update"
    DINGTALK_WORK_NOTICE = "dingtalk.work_notice"
    DINGTALK_ROBOT = "dingtalk.robot"
    DINGTALK_TODO = "dingtalk.todo"
    DINGTALK_MEMBERSHIP = "dingtalk.membership"
    WECHAT_TEMPLATE = "wechat.template"
    WECHAT_EXPERT_PUSH = "wechat.expert_push"
    WECHAT_CUSTOM = "wechat.custom"
    WECHAT_INVITE_QRCODE = "wechat.invite_qrcode"
    WECHAT_MENU = "wechat.menu"


class PlatformInbox(StrEnum):
    """What the sandbox's phones show for messages a platform sends by itself (no outbox row carries these)."""

    DINGTALK_INVITATION = "dingtalk.invitation"
    DINGTALK_ORG = "dingtalk.org"
    DINGTALK_WORKBENCH = "dingtalk.workbench"
    WECHAT_REPLY = "wechat.reply"
    WECHAT_OFFICIAL_ACCOUNT = "wechat.official_account"
    MINI_PROGRAM = "mini_program"


class Stored(Protocol):
    """An outbox row as a channel adapter reads it: the payload and the columns a message derives."""

    @property
    def recipient(self) -> str: ...
    @property
    def payload(self) -> Mapping[str, Any]: ...
    @property
    def platform_key(self) -> str | None: ...
    @property
    def ordering_key(self) -> str | None: ...
    @property
    def source(self) -> str | None: ...


class Outbound:
    """The base of every message class. Subclasses are frozen, keyword-only dataclasses with a `recipient` (a field
    or a property) and a `source` field (where the message comes from, for the operator; not sent)."""

    channel: ClassVar[Channel]

    if TYPE_CHECKING:  # declared for the type checker only: a subclass's dataclass field would clash at runtime

        @property
        def recipient(self) -> str: ...
        @property
        def source(self) -> str | None: ...

    @property
    def platform_key(self) -> str | None:
        """The provider's idempotency key (a DingTalk outTrackId, a WeChat client_msg_id) where one exists."""
        return None

    @property
    def ordering_key(self) -> str | None:
        """Messages about one thing at the provider share it: the relay sends none of them before the earlier
        ones of its key are sent or dead, and hands each all of them (see `cards.keys`)."""
        return None

    def to_payload(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def from_payload(cls, row: Stored) -> Self:
        """The message a stored row holds; KeyError, TypeError or ValueError when the row is not one."""
        raise NotImplementedError


def text(payload: Mapping[str, Any], field: str) -> str:
    """A required, non-empty string field."""
    value = payload[field]
    if not isinstance(value, str) or not value:
        raise ValueError(f"payload {field} is not a non-empty string: {value!r}")
    return value


def optional_text(payload: Mapping[str, Any], field: str) -> str | None:
    value = payload.get(field)
    return None if value is None else str(value)


def obj(payload: Mapping[str, Any], field: str) -> dict[str, Any]:
    """A required object field."""
    value = payload[field]
    if not isinstance(value, Mapping):
        raise TypeError(f"payload {field} is not an object: {value!r}")
    return dict(value)


def optional_obj(payload: Mapping[str, Any], field: str) -> dict[str, Any] | None:
    """An object field that may be absent or null (an empty object reads as absent)."""
    value = payload.get(field)
    if not value:
        return None
    if not isinstance(value, Mapping):
        raise TypeError(f"payload {field} is not an object: {value!r}")
    return dict(value)


def strings(value: Mapping[str, Any] | None) -> dict[str, str]:
    return {str(k): str(v) for k, v in (value or {}).items()}
