"""Test-control API (/_fake): what a person does on their phone, and faults to inject."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiohttp import web

from cards.templates import template
from handlers.clock import Clock
from sandbox.dingtalk.directory import Directory
from sandbox.dingtalk.gateway import CARD_TOPIC, Gateway, NoConnection
from sandbox.dingtalk.openapi import _json
from sandbox.dingtalk.state import AUTH_CODE_SECONDS, DingTalkSandboxState, Fault, OrgUser

OPENAPP = "dingtalk://dingtalkclient/action/openapp?"


class Control:
    def __init__(self, state: DingTalkSandboxState, directory: Directory, gateway: Gateway, clock: Clock) -> None:
        self.state = state
        self.directory = directory
        self.gateway = gateway
        self.clock = clock

    def routes(self, app: web.Application) -> None:
        r = app.router
        r.add_post("/_fake/cards/{out_track_id}/press", self.press)
        r.add_get("/_fake/cards/{out_track_id}", self.card)
        r.add_post("/_fake/frames/{message_id}/redeliver", self.redeliver)
        r.add_post("/_fake/authcodes", self.auth_code)
        r.add_post("/_fake/faults", self.faults)
        r.add_post("/_fake/gateway/disconnect", self.disconnect)
        r.add_post("/_fake/org/join", self.join)
        r.add_post("/_fake/org/leave", self.leave)
        r.add_post("/_fake/links/open", self.open_link)
        r.add_post("/_fake/users", self.add_user)
        r.add_get("/_fake/state", self.snapshot)

    async def press(self, request: web.Request) -> web.Response:
        """A person presses a card button: a CALLBACK frame, the ack, and the ack's update applied to the card."""
        card = self.state.cards.get(request.match_info["out_track_id"])
        if card is None:
            return _error(404, "卡片不存在")
        if card.callback_type != "STREAM":
            # DingTalk sends callbacks of such a card to an HTTP route, never over Stream.
            return _error(409, "该卡片未设置 callbackType: STREAM，按下后应用收不到回调")
        body = await _json(request)
        user_id = str(body.get("userId") or card.user_id)
        content = {
            "cardPrivateData": {"actionIds": [str(body.get("actionId", ""))], "params": dict(body.get("params") or {})}
        }
        data = {
            "corpId": self.state.corp_id,
            "userId": user_id,
            "userIdType": 1,
            "type": "actionCallback",
            "outTrackId": card.out_track_id,
            "spaceType": "IM_ROBOT",
            "spaceId": f"dtv1.card//IM_ROBOT.{card.user_id}",
            "extension": "{}",
            "content": json.dumps(content, ensure_ascii=False),
        }
        try:
            ack = await self.gateway.push("CALLBACK", CARD_TOPIC, data, timeout=float(body.get("timeout", 5.0)))
        except NoConnection:
            return _error(503, "应用的 Stream 连接未建立，按钮暂时无响应")
        except TimeoutError:
            return _error(504, "应用未在时限内应答，钉钉显示「操作失败」")
        self._apply(card.out_track_id, user_id, ack)
        return web.json_response({"ack": ack, "card": _card(self.state, card.out_track_id)})

    def _apply(self, out_track_id: str, user_id: str, ack: dict[str, Any]) -> None:
        card = self.state.cards[out_track_id]
        if ack.get("code") != 200:
            return
        response = (json.loads(ack.get("data") or "{}") or {}).get("response") or {}
        if not isinstance(response, dict):
            return
        options = response.get("cardUpdateOptions") or {}
        public = (response.get("cardData") or {}).get("cardParamMap")
        if isinstance(public, dict):
            card.params = {**card.params, **public} if options.get("updateCardDataByKey", True) else dict(public)
        private = (response.get("userPrivateData") or {}).get("cardParamMap")
        if isinstance(private, dict):
            card.private[user_id] = {**card.private.get(user_id, {}), **private}
        self.directory.show_card(card, self.clock.now())

    async def card(self, request: web.Request) -> web.Response:
        out_track_id = request.match_info["out_track_id"]
        if out_track_id not in self.state.cards:
            return _error(404, "卡片不存在")
        return web.json_response(_card(self.state, out_track_id))

    async def redeliver(self, request: web.Request) -> web.Response:
        message_id = request.match_info["message_id"]
        if message_id not in self.state.pending:
            return _error(404, "没有这个 messageId 的推送")
        try:
            ack = await self.gateway.redeliver(message_id)
        except NoConnection:
            return _error(503, "应用的 Stream 连接未建立")
        frame_data = json.loads(self.state.pending[message_id].frame["data"])
        if out_track_id := frame_data.get("outTrackId"):
            self._apply(out_track_id, str(frame_data.get("userId")), ack)
        return web.json_response({"ack": ack})

    async def auth_code(self, request: web.Request) -> web.Response:
        user = self.directory.user(str((await _json(request)).get("userId", "")))
        if user is None:
            return _error(404, "组织中没有这个人")
        code = uuid.uuid4().hex
        self.state.auth_codes[code] = (user.userid, self.clock.now() + timedelta(seconds=AUTH_CODE_SECONDS))
        return web.json_response({"code": code})

    async def faults(self, request: web.Request) -> web.Response:
        body = await _json(request)
        kind = str(body.get("kind", ""))
        if kind not in ("429", "90002", "90018", "500", "html", "token_expired"):
            return _error(400, f"未知故障类型 {kind}")
        self.state.faults.append(Fault(kind, int(body.get("count", 1)), body.get("path")))
        return web.json_response({"faults": [vars(f) for f in self.state.faults if f.remaining]})

    async def disconnect(self, _request: web.Request) -> web.Response:
        return web.json_response({"disconnected": await self.gateway.disconnect()})

    async def join(self, request: web.Request) -> web.Response:
        user = self.directory.user(str((await _json(request)).get("userId", "")))
        if user is None:
            return _error(404, "组织中没有这个人")
        joined = self.directory.join(user, self.clock.now())
        return web.json_response({"userId": user.userid, "active": True, "joined": joined})

    async def leave(self, request: web.Request) -> web.Response:
        user = self.directory.user(str((await _json(request)).get("userId", "")))
        if user is None:
            return _error(404, "组织中没有这个人")
        self.directory.leave(user, self.clock.now())
        return web.json_response({"userId": user.userid, "left": True})

    async def open_link(self, request: web.Request) -> web.Response:
        """A person taps a link button. A workbench link opens our micro-app, whose page asks DingTalk for a
        免登 authCode (dd.requestAuthCode): the answer carries that code, as the page would receive it. `page`:
        the web page the phone now shows (the console opens it inside the phone), if it is one."""
        body = await _json(request)
        user = self.directory.user(str(body.get("userId", "")))
        if user is None or not user.active:
            return _error(404, "组织中没有这个人")
        link = str(body.get("link", ""))
        query = parse_qs(urlsplit(link).query)
        if (
            not link.startswith(OPENAPP)
            or query.get("corpid") != [self.state.corp_id]
            or query.get("app_id") != [f"0_{self.state.agent_id}"]
        ):
            # Any other web link opens in DingTalk's own browser, where our pages sign in by 免登 all the same.
            page = link if link.startswith(("http://", "https://")) else None
            return web.json_response({"opened": link, "authCode": None, "page": page})
        code = uuid.uuid4().hex
        self.state.auth_codes[code] = (user.userid, self.clock.now() + timedelta(seconds=AUTH_CODE_SECONDS))
        page = (query.get("redirect_url") or [""])[0]
        self.directory.show_workbench(user, page, self.clock.now())
        return web.json_response({"opened": link, "authCode": code, "redirect": page, "page": page or None})

    async def add_user(self, request: web.Request) -> web.Response:
        body = await _json(request)
        user = OrgUser(
            userid=str(body["userid"]),
            unionid=str(body.get("unionid") or f"union-{body['userid']}"),
            name=str(body.get("name", "")),
            mobile=str(body.get("mobile", "")),
        )
        self.state.users[user.userid] = user
        return web.json_response(vars(user))

    async def snapshot(self, _request: web.Request) -> web.Response:
        return web.json_response(
            {
                "cards": {k: _card(self.state, k) for k in self.state.cards},
                "work_notices": [{k: v for k, v in n.items() if k != "msg"} for n in self.state.work_notices],
                "robot_messages": self.state.robot_messages,
                "todos": list(self.state.todos.values()),
                "connections": len(self.state.connections),
                "acks": self.state.acks,
                "journal": self.state.journal,
            }
        )


def _card(state: DingTalkSandboxState, out_track_id: str) -> dict[str, Any]:
    card = state.cards[out_track_id]
    declared = template(card.template_id)
    data = {**card.params, **card.private.get(card.user_id, {})}
    buttons = [b.label for b in declared.visible_buttons(data)] if declared else []
    return {
        "outTrackId": card.out_track_id,
        "templateId": card.template_id,
        "userId": card.user_id,
        "cardParamMap": card.params,
        "privateData": card.private,
        "buttons": buttons,
    }


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": "sandbox", "message": message}, status=status)
