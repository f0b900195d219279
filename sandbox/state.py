"""What the sandbox knows: the simulated people and the inbox of each person's phone."""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sandbox.qichacha import QichachaSandboxState


@dataclass(frozen=True)
class Persona:
    id: str
    name: str
    role: str  # what the console shows, in Chinese: 系统管理员, 技转人员, 专家 …
    mobile: str
    dingtalk_userid: str | None = None
    wechat_openid: str | None = None


@dataclass
class InboxItem:
    id: int
    person_id: str
    channel: str  # test, dingtalk.card, dingtalk.work_notice, wechat.template, sms …
    title: str
    body: str
    at: datetime
    actions: list[dict[str, Any]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


class SandboxState:
    def __init__(self) -> None:
        self.people: dict[str, Persona] = {}
        self.inbox: dict[str, list[InboxItem]] = {}
        self._ids = itertools.count(1)
        # Openids the demo data has following the sandbox official account before the platform fake starts.
        self.wechat_followers: set[str] = set()
        # The offline 企查查 (business registry) account and its switches.
        self.qichacha = QichachaSandboxState()

    def add_person(self, persona: Persona) -> None:
        self.people[persona.id] = persona
        self.inbox.setdefault(persona.id, [])

    def ensure_person(
        self,
        mobile: str,
        name: str | None = None,
        role: str = "运行中新加入的人员",
        *,
        dingtalk_userid: str | None = None,
    ) -> Persona:
        """Every number a platform reaches has a phone: a person added at run time (a staff member, an
        invited expert) appears in the console with what reaches them, and a WeChat account so they can
        follow and bind; an existing phone with that number is kept."""
        found = self.find(mobile)
        if found is not None:
            return found
        persona = Persona(
            f"tel-{mobile}",
            name or f"手机 {mobile[:3]}****{mobile[-4:]}",
            role,
            mobile,
            dingtalk_userid=dingtalk_userid,
            wechat_openid=f"o-{secrets.token_hex(8)}",
        )
        self.add_person(persona)
        return persona

    def find(self, recipient: str) -> Persona | None:
        """A person by any address the platforms use: id, mobile, DingTalk userid or WeChat openid."""
        for persona in self.people.values():
            if recipient in (persona.id, persona.mobile, persona.dingtalk_userid, persona.wechat_openid):
                return persona
        return None

    def deliver(
        self,
        recipient: str,
        *,
        channel: str,
        title: str,
        body: str,
        at: datetime,
        actions: list[dict[str, Any]] | None = None,
        data: dict[str, Any] | None = None,
    ) -> InboxItem | None:
        persona = self.find(recipient)
        if persona is None:
            return None
        item = InboxItem(next(self._ids), persona.id, channel, title, body, at, actions or [], data or {})
        self.inbox[persona.id].append(item)
        return item
