"""The typed inbound push and a router keyed by event type, menu key or keyword.

Listeners return the text to answer with, or None for WeChat's plain `success`. A listener marked
`immediate` answers from memory (no side effect, no round trip): the webhook awaits it in the request
itself, without the task and the deadline timer a listener with an effect needs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import NamedTuple, TypeVar

QR_SCENE_PREFIX = "qrscene_"


class InboundMessage(NamedTuple):
    """Immutable. A NamedTuple, as one is built for every push: a frozen dataclass of eleven fields took
    about 5 µs to construct, this well under 1 (docs/benchmarks.md)."""

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
        get = fields.get
        return cls(  # positional: keywords cost more here
            app_id,
            get("ToUserName", ""),
            get("FromUserName", ""),
            create_time,
            get("MsgType", "").lower(),
            get("Event", "").lower(),
            get("EventKey", ""),
            get("Content", ""),
            get("MsgId") or get("MsgID", ""),
            get("Status", ""),
            get("Ticket", ""),
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
        self._immediate: set[Listener] = set()

    def immediate(self, listener: L) -> L:
        """Marks a listener that answers from memory: no side effect, no database or Redis round trip."""
        self._immediate.add(listener)
        return listener

    def is_immediate(self, listener: Listener) -> bool:
        return listener in self._immediate

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
        self._immediate |= other._immediate

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
