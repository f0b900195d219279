"""DingTalk's outbound messages: interactive cards (create, update), work notices, robot messages, to-dos and the
membership request.

Cards and to-dos follow the ordering rules of `cards.keys`: a card's create and updates share the key of its
outTrackId, a to-do's create and completion the key of its sourceId, so the relay sends them in order and hands
each the others. `current_card` is how the card channel turns them into the card as it stands now.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Self

from cards.keys import card_key, todo_key
from cards.outbound.base import Channel, Outbound, Stored, obj, optional_obj, optional_text, strings, text

# A card's private data: per DingTalk userid, variables only that user sees.
PrivateData = dict[str, dict[str, str]]


def _private(value: dict[str, Any] | None) -> PrivateData | None:
    return {str(uid): strings(params) for uid, params in value.items()} if value else None


@dataclass(frozen=True, kw_only=True)
class CardCreate(Outbound):
    """Create and deliver a card from a registered template (cards.templates); `out_track_id` names the card from
    then on. Stored payload: {template_id, card_data, private_data?}; the outTrackId is the row's platform key."""

    channel: ClassVar[Channel] = Channel.DINGTALK_CARD
    creates: ClassVar[bool] = True

    recipient: str  # DingTalk userid
    out_track_id: str
    template_id: str
    card_data: dict[str, str]
    private_data: PrivateData | None = None
    source: str | None = None

    @property
    def platform_key(self) -> str:
        return self.out_track_id

    @property
    def ordering_key(self) -> str:
        return card_key(self.out_track_id)

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"template_id": self.template_id, "card_data": dict(self.card_data)}
        if self.private_data:
            payload["private_data"] = self.private_data
        return payload

    @classmethod
    def from_payload(cls, row: Stored) -> Self:
        if not row.platform_key:
            raise ValueError("a card's row has no outTrackId (platform key)")
        return cls(
            recipient=row.recipient,
            out_track_id=row.platform_key,
            template_id=text(row.payload, "template_id"),
            card_data=strings(obj(row.payload, "card_data")),
            private_data=_private(optional_obj(row.payload, "private_data")),
            source=row.source,
        )


@dataclass(frozen=True, kw_only=True)
class CardUpdate(Outbound):
    """Set some of a card's data (DingTalk merges it key by key). Stored payload: {out_track_id, card_data?,
    private_data?}. Sent after the card's create; the channel sends the card's current data, not only this."""

    channel: ClassVar[Channel] = Channel.DINGTALK_CARD_UPDATE
    creates: ClassVar[bool] = False

    recipient: str  # DingTalk userid
    out_track_id: str
    card_data: dict[str, str] | None = None
    private_data: PrivateData | None = None
    source: str | None = None

    @property
    def ordering_key(self) -> str:
        return card_key(self.out_track_id)

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"out_track_id": self.out_track_id}
        if self.card_data is not None:
            payload["card_data"] = dict(self.card_data)
        if self.private_data:
            payload["private_data"] = self.private_data
        return payload

    @classmethod
    def from_payload(cls, row: Stored) -> Self:
        card_data = optional_obj(row.payload, "card_data")
        return cls(
            recipient=row.recipient,
            out_track_id=text(row.payload, "out_track_id"),
            card_data=strings(card_data) if card_data is not None else None,
            private_data=_private(optional_obj(row.payload, "private_data")),
            source=row.source,
        )


CardMessage = CardCreate | CardUpdate
CARD_CHANNELS = (Channel.DINGTALK_CARD, Channel.DINGTALK_CARD_UPDATE)


def read_card(row: Stored, channel: str) -> CardMessage:
    return CardCreate.from_payload(row) if channel == Channel.DINGTALK_CARD else CardUpdate.from_payload(row)


def current_card(messages: Iterable[CardMessage]) -> tuple[dict[str, str], PrivateData]:
    """The card as its messages leave it, oldest first: the create's data merged key by key with every update
    (DingTalk merges an update the same way). Sending this rather than one message's own data means a create sent
    after an update was queued, a late update and a replayed dead letter all show the card as it is now."""
    card_data: dict[str, str] = {}
    private: PrivateData = {}
    for message in messages:
        card_data.update(message.card_data or {})
        for uid, params in (message.private_data or {}).items():
            private[uid] = {**private.get(uid, {}), **params}
    return card_data, private


@dataclass(frozen=True, kw_only=True)
class WorkNotice(Outbound):
    """A work notice from our app. Stored payload: {msg: {msgtype: text|markdown|action_card, …}, record?,
    created_at? (ISO 8601)}; the channel appends a line with the record and outbox numbers (DingTalk drops a repeat
    of the same content to a user within a day)."""

    channel: ClassVar[Channel] = Channel.DINGTALK_WORK_NOTICE

    recipient: str  # DingTalk userid
    msg: dict[str, Any]  # built in cards (e.g. cards.follow_up), or by `text_notice`
    record: str | None = None  # the thing the notice is about, as people quote it
    created_at: str | None = None
    source: str | None = None

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"msg": self.msg}
        if self.record is not None:
            payload["record"] = self.record
        if self.created_at is not None:
            payload["created_at"] = self.created_at
        return payload

    @classmethod
    def from_payload(cls, row: Stored) -> Self:
        return cls(
            recipient=row.recipient,
            msg=obj(row.payload, "msg"),
            record=optional_text(row.payload, "record") or None,
            created_at=optional_text(row.payload, "created_at") or None,
            source=row.source,
        )


def text_notice(recipient: str, content: str, *, record: str, source: str | None = None) -> WorkNotice:
    """A plain-text work notice."""
    return WorkNotice(
        recipient=recipient, msg={"msgtype": "text", "text": {"content": content}}, record=record, source=source
    )


@dataclass(frozen=True, kw_only=True)
class RobotMessage(Outbound):
    """A one-to-one message from our robot. Stored payload: {msg_key, msg_param}."""

    channel: ClassVar[Channel] = Channel.DINGTALK_ROBOT

    recipient: str  # DingTalk userid
    msg_key: str  # e.g. sampleText
    msg_param: dict[str, Any]
    source: str | None = None

    def to_payload(self) -> dict[str, Any]:
        return {"msg_key": self.msg_key, "msg_param": dict(self.msg_param)}

    @classmethod
    def from_payload(cls, row: Stored) -> Self:
        return cls(
            recipient=row.recipient,
            msg_key=text(row.payload, "msg_key"),
            msg_param=obj(row.payload, "msg_param"),
            source=row.source,
        )


def _source_id(ordering_key: str | None) -> str:
    """A completion's to-do, read back from its ordering key (`todo_key`); its payload does not repeat it."""
    prefix = todo_key("")
    return ordering_key[len(prefix) :] if ordering_key and ordering_key.startswith(prefix) else ""


@dataclass(frozen=True, kw_only=True)
class TodoCreate(Outbound):
    """A to-do in the recipient's DingTalk. Stored payload: {op: create, subject, source_id, description,
    detail_url, due_ms?}."""

    channel: ClassVar[Channel] = Channel.DINGTALK_TODO
    op: ClassVar[Literal["create"]] = "create"

    recipient: str  # DingTalk userid
    source_id: str  # ours: names the to-do, e.g. the card's outTrackId
    subject: str
    description: str = ""
    detail_url: str | None = None
    due_ms: int | None = None  # dueTime, ms since the epoch
    source: str | None = None

    @property
    def ordering_key(self) -> str:
        return todo_key(self.source_id)

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "op": self.op,
            "subject": self.subject,
            "source_id": self.source_id,
            "description": self.description,
            "detail_url": self.detail_url,
        }
        if self.due_ms is not None:
            payload["due_ms"] = self.due_ms
        return payload

    @classmethod
    def from_payload(cls, row: Stored) -> Self:
        due = row.payload.get("due_ms")
        return cls(
            recipient=row.recipient,
            source_id=text(row.payload, "source_id"),
            subject=text(row.payload, "subject"),
            description=str(row.payload.get("description") or ""),
            detail_url=optional_text(row.payload, "detail_url") or None,
            due_ms=int(due) if due is not None else None,
            source=row.source,
        )


@dataclass(frozen=True, kw_only=True)
class TodoComplete(Outbound):
    """Complete the to-do of `source_id`. Stored payload: {op: complete, task_id?}; without the task id, the channel
    reads it from the to-do's create (same ordering key), and completes nothing if that was never sent."""

    channel: ClassVar[Channel] = Channel.DINGTALK_TODO
    op: ClassVar[Literal["complete"]] = "complete"

    recipient: str  # DingTalk userid
    source_id: str
    task_id: str | None = None  # DingTalk's id, when the create's answer is known already
    source: str | None = None

    @property
    def ordering_key(self) -> str:
        return todo_key(self.source_id)

    def to_payload(self) -> dict[str, Any]:
        return {"op": self.op, "task_id": self.task_id} if self.task_id else {"op": self.op}

    @classmethod
    def from_payload(cls, row: Stored) -> Self:
        return cls(
            recipient=row.recipient,
            source_id=_source_id(row.ordering_key),
            task_id=optional_text(row.payload, "task_id") or None,
            source=row.source,
        )


TodoMessage = TodoCreate | TodoComplete


def read_todo(row: Stored) -> TodoMessage:
    return TodoComplete.from_payload(row) if row.payload.get("op") == "complete" else TodoCreate.from_payload(row)


@dataclass(frozen=True, kw_only=True)
class MembershipRequest(Outbound):
    """Take a person into our DingTalk organisation (found by mobile, or added, DingTalk then inviting them).
    Stored payload: {invitation_id, name, mobile, title}; the recipient is the mobile."""

    channel: ClassVar[Channel] = Channel.DINGTALK_MEMBERSHIP

    invitation_id: int
    name: str
    mobile: str
    title: str = ""
    source: str | None = None

    @property
    def recipient(self) -> str:
        return self.mobile

    @property
    def platform_key(self) -> str:
        return f"membership:{self.invitation_id}"

    def to_payload(self) -> dict[str, Any]:
        return {"invitation_id": self.invitation_id, "name": self.name, "mobile": self.mobile, "title": self.title}

    @classmethod
    def from_payload(cls, row: Stored) -> Self:
        return cls(
            invitation_id=int(row.payload["invitation_id"]),
            name=str(row.payload["name"]),
            mobile=text(row.payload, "mobile"),
            title=str(row.payload.get("title") or ""),
            source=row.source,
        )
