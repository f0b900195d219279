"""The sandbox organisation: its members, and what each member's DingTalk shows in the console."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from cards.outbound import Channel, PlatformInbox
from cards.templates import template
from sandbox.dingtalk.state import Card, DingTalkSandboxState, OrgUser
from sandbox.state import InboxItem, SandboxState

# Sandbox-relative URLs the console buttons post to (the app is mounted at /sandbox/dingtalk/).
PREFIX = "/dingtalk/_fake"
EventSink = Callable[[str, dict[str, Any]], None]


class Directory:
    def __init__(self, state: DingTalkSandboxState, sandbox: SandboxState | None) -> None:
        self.state = state
        self.sandbox = sandbox
        self.timezone = ZoneInfo("Asia/Shanghai")
        self.emit_event: EventSink = lambda _type, _data: None
        self._todo_items: dict[str, list[InboxItem]] = {}
        self._invitations: dict[str, InboxItem] = {}

    def user(self, userid: str) -> OrgUser | None:
        if userid in self.state.users:
            return self.state.users[userid]
        # Demo personas with a DingTalk userid are members from the start (until they leave).
        for persona in self.sandbox.people.values() if self.sandbox else ():
            if persona.dingtalk_userid == userid and userid not in self.state.departed:
                return self._adopt(persona.dingtalk_userid, persona.name, persona.mobile)
        return None

    def by_union_id(self, union_id: str) -> OrgUser | None:
        return next((u for u in self.state.users.values() if u.unionid == union_id), None)

    def by_mobile(self, mobile: str) -> OrgUser | None:
        for user in self.state.users.values():
            if user.mobile == mobile:
                return user
        for persona in self.sandbox.people.values() if self.sandbox else ():
            if (
                persona.mobile == mobile
                and persona.dingtalk_userid
                and persona.dingtalk_userid not in self.state.departed
            ):
                return self.user(persona.dingtalk_userid)
        return None

    def _adopt(self, userid: str, name: str, mobile: str) -> OrgUser:
        user = OrgUser(userid=userid, unionid=f"union-{userid}", name=name, mobile=mobile)
        self.state.users[userid] = user
        return user

    def create(self, *, name: str, mobile: str, userid: object, title: str, dept_ids: list[int]) -> OrgUser:
        new_id = str(userid) if userid else self.state.new_id("dt-")
        user = self._adopt(new_id, name, mobile)
        user.active, user.title, user.dept_ids = False, title, dept_ids or [1]
        if self.sandbox is not None:  # the person's phone appears in the console, if it is not there yet
            self.sandbox.ensure_person(mobile, name, f"钉钉新成员 · {title}" if title else "钉钉新成员")
        self.emit_event("user_add_org", {"userId": [new_id]})
        return user

    def invite(self, user: OrgUser, at: datetime) -> None:
        """DingTalk's own SMS/app invitation to join the organisation, with 同意 (accept)."""
        item = self._deliver(
            user,
            PlatformInbox.DINGTALK_INVITATION,
            "钉钉 · 邀请你加入组织",
            f"{user.name}，「{self.state.corp_name}」邀请你加入组织，请确认加入。",
            at,
            [{"label": "同意", "url": f"{PREFIX}/org/join", "body": {"userId": user.userid}}],
        )
        if item is not None:
            self._invitations[user.userid] = item

    def join(self, user: OrgUser, at: datetime) -> bool:
        """The person accepts: they become an active member (user_active_org). False if they already were."""
        if user.active:
            return False
        user.active = True
        if (item := self._invitations.pop(user.userid, None)) is not None:
            item.body, item.actions = f"{item.body}\n已同意加入。", []
        self._deliver(
            user,
            PlatformInbox.DINGTALK_ORG,
            f"钉钉 · 已加入「{self.state.corp_name}」",
            "你已是组织成员，可在工作台使用组织的应用。",
            at,
            [{"label": "退出组织", "url": f"{PREFIX}/org/leave", "body": {"userId": user.userid}}],
        )
        self.emit_event("user_active_org", {"userId": [user.userid]})
        return True

    def leave(self, user: OrgUser, at: datetime) -> None:
        self.state.users.pop(user.userid, None)
        self.state.departed.add(user.userid)
        self._deliver(
            user,
            PlatformInbox.DINGTALK_ORG,
            f"钉钉 · 已退出「{self.state.corp_name}」",
            "你已不是该组织的成员。",
            at,
            [],
        )
        self.emit_event("user_leave_org", {"userId": [user.userid]})

    # --- what a member sees ----------------------------------------------------------------------

    def show_workbench(self, user: OrgUser, page: str, at: datetime) -> None:
        """The micro-app opened in the workbench: the console says so (the page itself is not simulated)."""
        self._deliver(
            user,
            PlatformInbox.DINGTALK_WORKBENCH,
            "钉钉工作台 · 已打开应用",
            f"页面：{page or '应用首页'}\n页面已取得免登授权码（5分钟内有效，仅可使用一次）。",
            at,
            [],
        )

    def show_card(self, card: Card, at: datetime) -> None:
        declared = template(card.template_id)
        user = self.user(card.user_id)
        if declared is None or user is None:
            return
        data = {**card.params, **card.private.get(card.user_id, {})}
        title, body = declared.render(data)
        actions = [
            # A link button opens its URL in DingTalk (no callback); a callback button presses the card.
            {
                "label": b.label,
                "url": f"{PREFIX}/links/open",
                "body": {"userId": card.user_id, "link": data.get(b.link, "")},
            }
            if b.link
            else {
                "label": b.label,
                "url": f"{PREFIX}/cards/{card.out_track_id}/press",
                "body": {"userId": card.user_id, "actionId": str(b.action), "params": declared.button_params(b, data)},
                **({"inputs": list(b.inputs)} if b.inputs else {}),
            }
            for b in declared.visible_buttons(data)
        ]
        if card.item is None:
            card.item = self._deliver(
                user, Channel.DINGTALK_CARD, title, body, at, actions, {"outTrackId": card.out_track_id}
            )
        else:  # an update changes the card in place, as in the DingTalk chat
            card.item.title, card.item.body, card.item.actions = title, body, actions

    def show_work_notice(self, userid: str, msg: dict[str, Any], at: datetime) -> None:
        user = self.user(userid)
        if user is None:
            return
        kind = str(msg.get("msgtype"))
        content = msg.get(kind) or {}
        title = str(content.get("title") or "工作通知")
        body = str(
            content.get("content")
            or content.get("text")
            or content.get("markdown")
            or json.dumps(content, ensure_ascii=False)
        )
        self._deliver(user, Channel.DINGTALK_WORK_NOTICE, title, body, at, [])

    def show_robot_message(self, userid: str, msg_key: str, param: dict[str, Any], at: datetime) -> None:
        user = self.user(userid)
        if user is not None:
            title = str(param.get("title") or "机器人消息")
            self._deliver(
                user, Channel.DINGTALK_ROBOT, title, str(param.get("content") or param.get("text") or ""), at, []
            )

    def show_todo(self, union_id: str, task: dict[str, Any], at: datetime) -> None:
        user = self.by_union_id(union_id)
        if user is not None:
            item = self._deliver(user, Channel.DINGTALK_TODO, f"待办 · {task['subject']}", _todo_body(task), at, [])
            if item is not None:
                self._todo_items.setdefault(str(task["id"]), []).append(item)

    def refresh_todo(self, task: dict[str, Any]) -> None:
        for item in self._todo_items.get(str(task["id"]), []):
            item.body = _todo_body(task)

    def _deliver(
        self,
        user: OrgUser,
        channel: str,
        title: str,
        body: str,
        at: datetime,
        actions: list[dict[str, Any]],
        data: dict[str, Any] | None = None,
    ) -> InboxItem | None:
        if self.sandbox is None:
            return None
        return self.sandbox.deliver(
            user.mobile, channel=channel, title=title, body=body, at=at, actions=actions, data=data
        ) or self.sandbox.deliver(
            user.userid, channel=channel, title=title, body=body, at=at, actions=actions, data=data
        )


def _todo_body(task: dict[str, Any]) -> str:
    return f"{task.get('description', '')}\n状态：{'已完成' if task.get('done') else '未完成'}"
