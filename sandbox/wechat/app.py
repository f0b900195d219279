"""A faithful offline WeChat official account: the API paths we call, with their real error codes and
windows, pushes signed and encrypted into our webhook, and console routes for each simulated person.

Errors are HTTP 200 with {"errcode", "errmsg"} as on the real platform.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Coroutine
from typing import Any

import aiohttp
from aiohttp import web

from cards.outbound import Channel
from cards.template_messages import invalid_keyword
from handlers.clock import Clock
from sandbox.links import hosted_page, miniprogram_actions
from sandbox.state import SandboxState
from sandbox.tasks import BackgroundTasks
from sandbox.wechat.envelope import Envelope, event_xml
from sandbox.wechat.state import CLIENT_MSG_ID_TTL, WeChatSandboxState

ERRMSG = {
    40001: "invalid credential, access_token is invalid or not latest",
    42001: "access_token expired",
    40003: "invalid openid",
    40013: "invalid appid",
    40125: "invalid appsecret",
    40029: "invalid code",
    40163: "code been used",
    40037: "invalid template_id",
    43004: "require subscribe",
    45009: "reach max api daily quota limit",
    45015: "response out of time limit or subscription is canceled",
    47001: "data format error",
    47003: "argument invalid! data.thing1.value invalid",
    -1: "system error",
}
TEMPLATE_VALUE_SHOWN = 20  # the platform shows at most 20 characters of each keyword value


def _error(code: int, errmsg: str | None = None) -> web.Response:
    text = errmsg or ERRMSG.get(code, "error")
    return web.json_response({"errcode": code, "errmsg": f"{text} rid: {secrets.token_hex(6)}"})


def _ok(**data: Any) -> web.Response:
    return web.json_response({"errcode": 0, "errmsg": "ok", **data})


async def _json(request: web.Request) -> dict[str, Any] | None:
    try:
        body = json.loads(await request.read())
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


class WeChatSandbox:
    def __init__(
        self, state: WeChatSandboxState, sandbox: SandboxState, clock: Clock, callback_url: str | None = None
    ) -> None:
        self.state = state
        self.sandbox = sandbox
        self.clock = clock
        self.callback_url = callback_url  # None: the origin of the request that caused the push
        account = state.account
        self.envelope = Envelope(account.token, account.encoding_aes_key, account.app_id)
        self._http: aiohttp.ClientSession | None = None
        self._background = BackgroundTasks()

    # --- pushes into our webhook ---------------------------------------------------------------

    async def push(self, origin: str, openid: str, msg_type: str, **fields: str) -> dict[str, str] | None:
        """Signs, encrypts and posts one push; returns the decrypted reply (None for `success`)."""
        now = self.clock.now()
        xml = event_xml(self.state.account.gh_id, openid, int(now.timestamp()), msg_type, **fields)
        params, body = self.envelope.push(xml, str(int(now.timestamp())), secrets.token_hex(5))
        params["openid"] = openid
        url = self.callback_url or f"{origin}/wechat/callback"
        async with self._client().post(url, params=params, data=body.encode()) as response:
            text = await response.text()
            if response.status != 200:
                raise web.HTTPBadGateway(text=f"webhook answered {response.status}: {text}")
        return self.envelope.open_reply(text)

    async def push_with_retries(self, origin: str, openid: str, msg_type: str, **fields: str) -> None:
        """Platform-initiated pushes (job reports) are retried, 3 attempts in all, as WeChat does."""
        for attempt in range(3):
            try:
                await self.push(origin, openid, msg_type, **fields)
                return
            except (web.HTTPBadGateway, aiohttp.ClientError, TimeoutError):
                # WeChat waits 5 s between attempts; the sandbox keeps it short.
                await asyncio.sleep(0.1 * (attempt + 1))

    def _client(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5), trust_env=False)
        return self._http

    async def open_link(self, url: str) -> str | None:
        """Opens a web link as WeChat's browser would; the redirect target, if the page redirects."""
        if not url.startswith(("http://", "https://")):
            return None
        async with self._client().get(url, allow_redirects=False) as response:
            return response.headers.get("Location")

    async def call_api(self, origin: str, path: str, body: dict[str, Any], *, token: str = "") -> tuple[int, Any]:
        """The mini-program calling our REST API from this phone."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with self._client().post(f"{origin}{path}", json=body, headers=headers) as response:
            return response.status, await response.json()

    def later(self, coro: Coroutine[Any, Any, Any]) -> None:
        self._background.later(coro)

    async def flush(self) -> None:
        await self._background.flush()

    async def close(self) -> None:
        await self.flush()
        if self._http is not None:
            await self._http.close()

    # --- API -----------------------------------------------------------------------------------

    def _auth(self, request: web.Request) -> int:
        fault = self.state.take_fault(api_path(request.path))
        return fault or self.state.token_error(request.query.get("access_token", ""), self.clock.now())

    def _issue(self, appid: Any, secret: Any, *, force: bool) -> web.Response:
        account = self.state.account
        if appid == account.app_id:
            if secret != account.app_secret:
                return _error(40125)
            token, expires_in = self.state.issue_token(self.clock.now(), force=force)
        elif appid == account.mini_app_id:
            if secret != account.mini_app_secret:
                return _error(40125)
            token, expires_in = self.state.issue_mini_token(self.clock.now(), force=force)
        else:
            return _error(40013)
        return web.json_response({"access_token": token, "expires_in": expires_in})

    async def stable_token(self, request: web.Request) -> web.Response:
        body = await _json(request) or {}
        return self._issue(body.get("appid"), body.get("secret"), force=bool(body.get("force_refresh")))

    async def token(self, request: web.Request) -> web.Response:
        # /cgi-bin/token always issues a new token: the one others hold stops working.
        return self._issue(request.query.get("appid"), request.query.get("secret"), force=True)

    async def template_send(self, request: web.Request) -> web.Response:
        if code := self._auth(request):
            return _error(code)
        body = await _json(request)
        if body is None:
            return _error(47001)
        now = self.clock.now()
        openid, template_id = str(body.get("touser", "")), str(body.get("template_id", ""))
        user = self.state.users.get(openid)
        if user is None:
            return _error(40003)
        if not user.subscribed:
            return _error(43004)
        if not template_id or template_id.startswith("invalid"):
            return _error(40037)
        data = body.get("data")
        if not isinstance(data, dict) or not all(isinstance(v, dict) and "value" in v for v in data.values()):
            return _error(47003)
        # Every typed keyword's value is checked against its type (and a declared enum's values).
        declared = self.state.templates.get(template_id)
        if (wrong := (declared.invalid(data) if declared else invalid_keyword(data))) is not None:
            return _error(47003, f"argument invalid! data.{wrong}.value invalid")
        key = (openid, str(body.get("client_msg_id") or ""))
        if key[1] and (seen := self.state.client_msg_ids.get(key)) and now - seen[1] < CLIENT_MSG_ID_TTL:
            return _ok(msgid=int(seen[0]))  # the platform drops the repeat, answering with the first msgid
        today = now.date()
        if self.state.templates_sent.get(today, 0) >= self.state.template_daily_cap:
            return _error(45009)
        self.state.templates_sent[today] = self.state.templates_sent.get(today, 0) + 1
        msgid = self.state.next_msg_id()
        if key[1]:
            self.state.client_msg_ids[key] = (msgid, now)
        self.state.sent.append({"kind": "template", "msgid": msgid, **body})
        status = "failed:user block" if user.blocks_templates else "success"
        if status == "success":
            shown = declared.render(data) if declared else [(name, str(v["value"])) for name, v in data.items()]
            lines = [f"{label}：{value[:TEMPLATE_VALUE_SHOWN]}" for label, value in shown]
            title = declared.title if declared else template_id
            # What WeChat shows: the title, each keyword's label and value, and 「进入小程序查看」 when it links.
            page = _linked_page(body)
            card = {
                "title": title,
                "keywords": [[label, value[:TEMPLATE_VALUE_SHOWN]] for label, value in shown],
                "page": page,
            }
            self.sandbox.deliver(
                openid,
                channel=Channel.WECHAT_TEMPLATE,
                title=f"公众号模板消息 · {title}",
                body="\n".join(lines),
                at=now,
                actions=[{"label": "进入小程序查看", "page": page}] if page else [],
                data={"msgid": msgid, **body, "template": card},
            )
        report = self.push_with_retries(
            str(request.url.origin()), openid, "event", Event="TEMPLATESENDJOBFINISH", MsgID=msgid, Status=status
        )
        if self.state.report_before_answer:
            await report
        else:
            self.later(report)
        return _ok(msgid=int(msgid))

    async def custom_send(self, request: web.Request) -> web.Response:
        if code := self._auth(request):
            return _error(code)
        body = await _json(request)
        if body is None:
            return _error(47001)
        now = self.clock.now()
        user = self.state.users.get(str(body.get("touser", "")))
        if user is None:
            return _error(40003)
        if not user.subscribed or user.window_until is None or user.window_until < now or user.window_left <= 0:
            return _error(45015)
        user.window_left -= 1
        self.state.sent.append({"kind": "custom", **body})
        text = body.get("text", {}).get("content", "") if body.get("msgtype") == "text" else json.dumps(body)
        person = self.sandbox.find(user.openid)
        actions = miniprogram_actions(person.id, str(text)) if person is not None else []
        self.sandbox.deliver(
            user.openid, channel=Channel.WECHAT_CUSTOM, title="公众号客服消息", body=str(text), at=now, actions=actions
        )
        return _ok()

    async def user_info(self, request: web.Request) -> web.Response:
        if code := self._auth(request):
            return _error(code)
        user = self.state.users.get(request.query.get("openid", ""))
        if user is None:
            return _error(40003)
        if not user.subscribed:
            return web.json_response({"subscribe": 0, "openid": user.openid})
        return web.json_response(
            {
                "subscribe": 1,
                "openid": user.openid,
                "unionid": user.unionid,
                "language": "zh_CN",
                "subscribe_time": int(user.subscribe_time.timestamp()) if user.subscribe_time else 0,
                "subscribe_scene": "ADD_SCENE_QR_CODE" if user.scene else "ADD_SCENE_SEARCH",
                "qr_scene": 0,
                "qr_scene_str": user.scene or "",
                "remark": "",
                "groupid": 0,
                "tagid_list": [],
            }
        )

    async def qrcode_create(self, request: web.Request) -> web.Response:
        if code := self._auth(request):
            return _error(code)
        body = await _json(request) or {}
        scene = body.get("action_info", {}).get("scene", {})
        value = str(scene.get("scene_str") or scene.get("scene_id") or "")
        if not value:
            return _error(47003)
        ticket = secrets.token_urlsafe(24)
        self.state.qrcodes[ticket] = value
        expire = min(int(body.get("expire_seconds", 60)), 2_592_000)
        return web.json_response(
            {"ticket": ticket, "expire_seconds": expire, "url": f"http://weixin.qq.com/q/{ticket[:22]}"}
        )

    async def showqrcode(self, request: web.Request) -> web.Response:
        """mp.weixin.qq.com/cgi-bin/showqrcode: the QR image of a ticket (no token needed); here a drawing."""
        scene = self.state.qrcodes.get(request.query.get("ticket", ""))
        if scene is None:
            return web.Response(status=404, text="invalid ticket")
        svg = (
            '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="240"><rect width="240" height="240" '
            'fill="#fff" stroke="#000"/><text x="20" y="125" font-size="14">沙箱二维码</text></svg>'
        )
        return web.Response(text=svg, content_type="image/svg+xml")

    async def menu_create(self, request: web.Request) -> web.Response:
        if code := self._auth(request):
            return _error(code)
        body = await _json(request)
        if body is None or not isinstance(body.get("button"), list):
            return _error(47001)
        if code := menu_error(body["button"]):
            return _error(code)
        self.state.menu = body
        return _ok()

    async def jscode2session(self, request: web.Request) -> web.Response:
        q = request.query
        account = self.state.account
        # Only the mini-program's own credentials: the official account's appid is refused.
        if q.get("appid") != account.mini_app_id:
            return _error(40013)
        if q.get("secret") != account.mini_app_secret:
            return _error(40125)
        used = self.state.use_code(self.state.js_codes, q.get("js_code", ""), self.clock.now())
        if isinstance(used, int):
            return _error(used)
        user = self.state.user(used)
        # A successful answer carries no errcode at all.
        return web.json_response(
            {"openid": f"mini-{user.openid}", "session_key": secrets.token_urlsafe(16), "unionid": user.unionid}
        )

    async def phone_number(self, request: web.Request) -> web.Response:
        fault = self.state.take_fault(api_path(request.path))
        if code := fault or self.state.mini_token_error(request.query.get("access_token", ""), self.clock.now()):
            return _error(code)
        body = await _json(request)
        if body is None:
            return _error(47001)
        used = self.state.use_code(self.state.phone_codes, str(body.get("code", "")), self.clock.now())
        if isinstance(used, int):
            return _error(used)
        return _ok(
            phone_info={
                "phoneNumber": used,
                "purePhoneNumber": used,
                "countryCode": "86",
                "watermark": {"timestamp": int(self.clock.now().timestamp()), "appid": self.state.account.mini_app_id},
            }
        )


def _bytes(value: Any) -> int:
    return len(str(value or "").encode("utf-8"))


def menu_error(buttons: list[Any]) -> int:
    """menu/create's own checks, with the platform's error codes (0: accepted)."""
    if not 1 <= len(buttons) <= 3:
        return 40016  # invalid button size
    for button in buttons:
        if not isinstance(button, dict) or not 0 < _bytes(button.get("name")) <= 16:
            return 40018  # invalid button name size
        subs = button.get("sub_button")
        if subs is None:
            if code := _leaf_error(button, type_code=40017, key_code=40019, url_code=40054):
                return code
            continue
        if not isinstance(subs, list) or not 1 <= len(subs) <= 5:
            return 40023  # invalid sub button size
        for sub in subs:
            if not isinstance(sub, dict) or not 0 < _bytes(sub.get("name")) <= 60:
                return 40025  # invalid sub button name size
            if code := _leaf_error(sub, type_code=40024, key_code=40026, url_code=40027):
                return code
    return 0


def _leaf_error(button: dict[str, Any], *, type_code: int, key_code: int, url_code: int) -> int:
    kind = button.get("type")
    if kind == "click":
        return 0 if 0 < _bytes(button.get("key")) <= 128 else key_code
    if kind in ("view", "miniprogram"):
        if not 0 < _bytes(button.get("url")) <= 1024:
            return url_code
        if kind == "miniprogram" and not (button.get("appid") and button.get("pagepath")):
            return 47001  # data format error
        return 0
    return type_code


def add_api_routes(app: web.Application, sb: WeChatSandbox) -> None:
    app.router.add_post("/cgi-bin/stable_token", sb.stable_token)
    app.router.add_get("/cgi-bin/token", sb.token)
    app.router.add_post("/cgi-bin/message/template/send", sb.template_send)
    app.router.add_post("/cgi-bin/message/custom/send", sb.custom_send)
    app.router.add_get("/cgi-bin/user/info", sb.user_info)
    app.router.add_post("/cgi-bin/qrcode/create", sb.qrcode_create)
    app.router.add_get("/cgi-bin/showqrcode", sb.showqrcode)
    app.router.add_post("/cgi-bin/menu/create", sb.menu_create)
    app.router.add_get("/sns/jscode2session", sb.jscode2session)
    app.router.add_post("/wxa/business/getuserphonenumber", sb.phone_number)


def api_path(path: str) -> str:
    """The platform path without our mount prefix: /sandbox/wechat/cgi-bin/x → /cgi-bin/x."""
    for prefix in ("/cgi-bin/", "/sns/", "/wxa/"):
        if (index := path.find(prefix)) >= 0:
            return path[index:]
    return path


def _linked_page(body: dict[str, Any]) -> str | None:
    """The hosted page a template message opens: its mini-program page's stand-in, or its own url."""
    mini = body.get("miniprogram")
    if isinstance(mini, dict) and (page := hosted_page(str(mini.get("pagepath", "")))):
        return page
    url = body.get("url")
    return url if isinstance(url, str) and url else None
