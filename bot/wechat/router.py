"""The typed inbound push and a router keyed by event type, menu key or keyword.

Listeners return the text to answer with, or None for WeChat's plain `success`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

QR_SCENE_PREFIX = "qrscene_"


@dataclass(frozen=True)
class InboundMessage:
    app_id: str
    to_user: str  # the account's gh_ id
    from_user: str  # the follower's openid
    create_time: int
    msg_type: str  # text, event, image …
    event: str = ""  # lower-cased: subscribe, unsubscribe, scan, click, view, templatesendjobfinish …
    event_key: str = ""
    content: str = ""
    msg_id: str = ""  # MsgId of a message, MsgID of a template job report
    status: str = ""  # TEMPLATESENDJOBFINISH
    ticket: str = ""

    @classmethod
    def from_fields(cls, app_id: str, fields: dict[str, str]) -> InboundMessage:
        try:
            create_time = int(fields.get("CreateTime", "0") or 0)
        except ValueError:
            create_time = 0
        return cls(
            app_id=app_id,
            to_user=fields.get("ToUserName", ""),
            from_user=fields.get("FromUserName", ""),
            create_time=create_time,
            msg_type=fields.get("MsgType", "").lower(),
            event=fields.get("Event", "").lower(),
            event_key=fields.get("EventKey", ""),
            content=fields.get("Content", ""),
            msg_id=fields.get("MsgId") or fields.get("MsgID", ""),
            status=fields.get("Status", ""),
            ticket=fields.get("Ticket", ""),
        )

    @property
    def inbox_key(self) -> str:
        """WeChat retries a push up to 3 times: messages are named by MsgId, events by sender + time + type."""
        if self.msg_type != "event" and self.msg_id:
            return f"{self.app_id}:msg:{self.msg_id}"
        if self.msg_id:  # a template job report names its message
            return f"{self.app_id}:ev:{self.event}:{self.msg_id}"
        return f"{self.app_id}:ev:{self.from_user}:{self.create_time}:{self.event}"

    @property
    def created_at(self) -> datetime | None:
        """When the platform says the event happened (CreateTime); None when the push carries none."""
        return datetime.fromtimestamp(self.create_time, UTC) if self.create_time > 0 else None

    @property
    def scene(self) -> str | None:
        """The QR scene a follower came with (subscribe carries the qrscene_ prefix, SCAN does not)."""
        if self.event == "subscribe" and self.event_key.startswith(QR_SCENE_PREFIX):
            return self.event_key[len(QR_SCENE_PREFIX) :] or None
        if self.event == "scan":
            return self.event_key or None
        return None


class RetryLater(Exception):
    """Nothing was recorded and the platform should push again (the webhook answers 503)."""


Listener = Callable[[InboundMessage], Awaitable[str | None]]
L = TypeVar("L", bound=Listener)


class MessageRouter:
    def __init__(self) -> None:
        self._events: dict[str, Listener] = {}
        self._menu: dict[str, Listener] = {}
        self._keywords: dict[str, Listener] = {}
        self._text: Listener | None = None

    def event(self, name: str) -> Callable[[L], L]:
        def register(listener: L) -> L:
            self._events[name.lower()] = listener
            return listener

        return register

    def menu(self, key: str) -> Callable[[L], L]:
        def register(listener: L) -> L:
            self._menu[key] = listener
            return listener

        return register

    def keyword(self, *words: str) -> Callable[[L], L]:
        def register(listener: L) -> L:
            for word in words:
                self._keywords[word.strip().lower()] = listener
            return listener

        return register

    def text(self, listener: L) -> L:
        """Any text no keyword claimed."""
        self._text = listener
        return listener

    def include(self, other: MessageRouter) -> None:
        self._events.update(other._events)
        self._menu.update(other._menu)
        self._keywords.update(other._keywords)
        self._text = other._text or self._text

    def resolve(self, message: InboundMessage) -> Listener | None:
        if message.msg_type == "event":
            if message.event == "click":
                return self._menu.get(message.event_key)
            return self._events.get(message.event)
        if message.msg_type == "text":
            return self._keywords.get(message.content.strip().lower()) or self._text
        return None

    async def dispatch(self, message: InboundMessage) -> str | None:
        listener = self.resolve(message)
        return None if listener is None else await listener(message)
