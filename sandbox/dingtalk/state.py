"""What the sandbox DingTalk knows: the app, the organisation, tokens, cards, messages, faults, Stream."""

from __future__ import annotations

import asyncio
import itertools
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiohttp import web

from sandbox.state import InboxItem

TOKEN_SECONDS = 7200
TICKET_SECONDS = 90
AUTH_CODE_SECONDS = 300


@dataclass
class OrgUser:
    userid: str
    unionid: str
    name: str
    mobile: str
    active: bool = True  # False until the person accepts DingTalk's join invitation
    title: str = ""
    dept_ids: list[int] = field(default_factory=lambda: [1])


@dataclass
class Card:
    out_track_id: str
    template_id: str
    user_id: str
    params: dict[str, str]
    private: dict[str, dict[str, str]]
    callback_type: str
    item: InboxItem | None = None


@dataclass
class Fault:
    kind: str  # 429, 90002, 90018, 500, -1, 500_after_acting, html, token_expired
    remaining: int
    path: str | None = None  # only calls whose path contains this


@dataclass
class StreamConnection:
    id: str
    ws: web.WebSocketResponse
    subscriptions: list[dict[str, str]]

    def subscribed(self, frame_type: str, topic: str) -> bool:
        return any(s.get("type") == frame_type and s.get("topic") in (topic, "*") for s in self.subscriptions)


@dataclass
class PendingFrame:
    frame: dict[str, Any]
    acked: asyncio.Future[dict[str, Any]]
    deliveries: int = 0


@dataclass
class DingTalkSandboxState:
    client_id: str = "sandbox-app"
    client_secret: str = "sandbox-secret"
    agent_id: str = "10001"
    corp_id: str = "ding-sandbox-corp"
    corp_name: str = "科转沙箱组织"
    # Real seconds before an unacked frame is pushed again, and before a disconnect closes the socket.
    redelivery_seconds: float = 60.0
    max_redeliveries: int = 3
    disconnect_grace_seconds: float = 10.0
    ping_interval_seconds: float | None = 30.0
    # False simulates a half-open connection: WebSocket pings from the client go unanswered.
    answer_pings: bool = True
    # True pushes each frame (and each redelivery) to a random subscribed connection, as DingTalk does when several
    # instances are connected; False to the newest one, which keeps single-connection tests stable.
    spread_pushes: bool = False
    rng: random.Random = field(default_factory=random.Random)
    # How createAndDeliver names the space in each deliverResults entry: "full" (the openSpaceId sent), "bare"
    # (the userid alone) or "none" (no spaceId). All three are seen in the wild; None picks one per call.
    deliver_shape: str | None = None
    # Calls per second per API for one app; beyond it DingTalk answers 90018 (community figure: 20).
    qps_per_api: int = 20
    recent_calls: dict[str, list[datetime]] = field(default_factory=dict)
    users: dict[str, OrgUser] = field(default_factory=dict)
    # Demo personas who left the organisation: no longer adopted as members.
    departed: set[str] = field(default_factory=set)
    tokens: dict[str, datetime] = field(default_factory=dict)
    tickets: dict[str, tuple[datetime, list[dict[str, str]]]] = field(default_factory=dict)
    auth_codes: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    cards: dict[str, Card] = field(default_factory=dict)
    work_notices: list[dict[str, Any]] = field(default_factory=list)
    robot_messages: list[dict[str, Any]] = field(default_factory=list)
    todos: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    connections: dict[str, StreamConnection] = field(default_factory=dict)
    pending: dict[str, PendingFrame] = field(default_factory=dict)
    acks: list[dict[str, Any]] = field(default_factory=list)
    journal: list[tuple[str, str]] = field(default_factory=list)
    # JSON bodies as received, for shape checks against the official SDK models.
    bodies: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self.ids)}{uuid.uuid4().hex[:6]}"

    def take_fault(self, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.remaining > 0 and (fault.path is None or fault.path in path):
                fault.remaining -= 1
                return fault
        return None

    def over_qps(self, path: str, now: datetime) -> bool:
        """Count a call to `path`; True when it is one too many within the last second."""
        window = [t for t in self.recent_calls.get(path, []) if (now - t).total_seconds() < 1.0]
        if len(window) >= self.qps_per_api:
            self.recent_calls[path] = window
            return True
        self.recent_calls[path] = [*window, now]
        return False

    def spawn(self, coro: Any) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
