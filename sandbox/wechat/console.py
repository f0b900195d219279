"""Console routes: what a simulated person does on their phone (follow, unfollow, click, type),
plus a small control API for tests (faults, quota, flushing pending pushes)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiohttp import web

from cards.outbound import PlatformInbox
from handlers.clock import Clock
from sandbox.links import hosted_page, miniprogram_actions
from sandbox.state import Persona, SandboxState
from sandbox.wechat.app import WeChatSandbox, add_api_routes
from sandbox.wechat.state import WeChatSandboxState

QR_SCENE_PREFIX = "qrscene_"


def _actions(person_id: str, menu: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The phone shows the menu the platform holds (as created through menu/create): its click buttons, and its
    mini-program buttons, which open the experts' hosted pages standing in for the mini-program's."""
    leaves = [b for top in (menu or {}).get("button", []) for b in (top.get("sub_button") or [top])]
    clicks = [b for b in leaves if b.get("type") == "click"]
    pages = [
        (b["name"], page)
        for b in leaves
        if b.get("type") == "miniprogram" and (page := hosted_page(str(b.get("pagepath", ""))))
    ]
    return [
        *({"label": f"点击菜单 · {name}", "page": page} for name, page in pages),
        {"label": "发送「帮助」", "url": "/wechat/console/text", "body": {"person_id": person_id, "content": "帮助"}},
        *(
            {
                "label": f"点击菜单 · {b['name']}",
                "url": "/wechat/console/click",
                "body": {"person_id": person_id, "key": b["key"]},
            }
            for b in clicks
        ),
        {"label": "取消关注", "url": "/wechat/console/unfollow", "body": {"person_id": person_id}},
    ]


def _problem(error: type[web.HTTPException], message: str) -> web.HTTPException:
    body = json.dumps({"error": "bad_request", "message": message}, ensure_ascii=False)
    return error(text=body, content_type="application/json")


def add_console_routes(app: web.Application, sb: WeChatSandbox) -> None:
    async def person(request: web.Request) -> tuple[Persona, str, dict[str, Any]]:
        """The pressing person, their openid and the request body; a 404/409 answer otherwise."""
        body = await request.json()
        persona = sb.sandbox.people.get(str(body.get("person_id", "")))
        if persona is None:
            raise _problem(web.HTTPNotFound, "沙箱中没有这个人")
        if not persona.wechat_openid:
            raise _problem(web.HTTPConflict, "此人没有微信账号")
        return persona, persona.wechat_openid, body

    async def act(request: web.Request, msg_type: str, **fields: str) -> web.Response:
        persona, openid, _ = await person(request)
        reply = await sb.push(str(request.url.origin()), openid, msg_type, **fields)
        if reply and reply.get("Content"):
            sb.sandbox.deliver(
                openid,
                channel=PlatformInbox.WECHAT_REPLY,
                title="公众号回复",
                body=reply["Content"],
                at=sb.clock.now(),
                # A link in the reply (「前往绑定信息」) works like one in a customer-service message.
                actions=[*miniprogram_actions(persona.id, reply["Content"]), *_actions(persona.id, sb.state.menu)],
            )
        return web.json_response({"reply": reply})

    async def follow(request: web.Request) -> web.Response:
        persona, openid, body = await person(request)
        scene = body.get("scene") or sb.state.qrcodes.get(str(body.get("ticket", "")))
        return await follow_with(request, persona, openid, scene)

    async def follow_with(request: web.Request, persona: Persona, openid: str, scene: Any) -> web.Response:
        user = sb.state.user(openid, persona.id)
        already = user.subscribed
        user.subscribed, user.subscribe_time = True, sb.clock.now()
        if scene:
            user.scene = str(scene)
        sb.state.open_window(user.openid, sb.clock.now(), message=False)
        if already:  # scanning a parametric QR code while following is a SCAN event
            return await act(request, "event", Event="SCAN", EventKey=str(scene or ""))
        fields = {"Event": "subscribe"}
        if scene:
            fields["EventKey"] = f"{QR_SCENE_PREFIX}{scene}"
        return await act(request, "event", **fields)

    async def unfollow(request: web.Request) -> web.Response:
        persona, openid, _ = await person(request)
        user = sb.state.user(openid, persona.id)
        user.subscribed, user.window_until = False, None
        return await act(request, "event", Event="unsubscribe")

    async def click(request: web.Request) -> web.Response:
        persona, openid, body = await person(request)
        sb.state.open_window(openid, sb.clock.now(), message=False)
        return await act(request, "event", Event="CLICK", EventKey=str(body.get("key", "")))

    async def text(request: web.Request) -> web.Response:
        persona, openid, body = await person(request)
        sb.state.open_window(openid, sb.clock.now(), message=True)
        return await act(request, "text", Content=str(body.get("content", "")), MsgId=sb.state.next_msg_id())

    async def block_templates(request: web.Request) -> web.Response:
        persona, openid, body = await person(request)
        sb.state.user(openid, persona.id).blocks_templates = bool(body.get("blocked", True))
        return web.json_response({"ok": True})

    async def login_code(request: web.Request) -> web.Response:
        persona, openid, _ = await person(request)
        sb.state.user(openid, persona.id)
        return web.json_response({"code": sb.state.new_code(sb.state.js_codes, openid, sb.clock.now())})

    async def phone_code(request: web.Request) -> web.Response:
        """`mobile`: the number the person's WeChat is registered with, when it is not the one on record."""
        persona, openid, body = await person(request)
        mobile = str(body.get("mobile") or persona.mobile)
        return web.json_response({"code": sb.state.new_code(sb.state.phone_codes, mobile, sb.clock.now())})

    async def open_link(request: web.Request) -> web.Response:
        """The person opens a link from an SMS in WeChat; a page showing a QR code is long-pressed to scan."""
        persona, openid, body = await person(request)
        location = await sb.open_link(str(body.get("url", "")))
        ticket = parse_qs(urlsplit(location or "").query).get("ticket", [""])[0]
        scene = sb.state.qrcodes.get(ticket)
        if scene is None:
            raise _problem(web.HTTPConflict, "链接页面中没有可识别的二维码（邀请可能已完成或已过期）")
        return await follow_with(request, persona, openid, scene)

    async def mini_program_bind(request: web.Request) -> web.Response:
        """What our mini-program's bind page does on this phone: wx.login, then getPhoneNumber, each code
        sent to our API; the outcome lands in the person's inbox."""
        persona, openid, body = await person(request)
        origin = str(request.url.origin())
        sb.state.user(openid, persona.id)
        login_code = sb.state.new_code(sb.state.js_codes, openid, sb.clock.now())
        status, session = await sb.call_api(origin, "/api/v1/auth/mini-program-login", {"code": login_code})
        if status == 200 and not session.get("bound"):
            mobile = str(body.get("mobile") or persona.mobile)
            phone = sb.state.new_code(sb.state.phone_codes, mobile, sb.clock.now())
            status, session = await sb.call_api(
                origin, "/api/v1/auth/mini-program-bind", {"code": phone}, token=str(session.get("token", ""))
            )
        if status == 200:
            text = str(session.get("greeting") or "绑定成功。") if session.get("bound") else "登录未完成。"
        else:
            text = str(session.get("error", {}).get("message", f"请求失败（{status}）"))
        sb.sandbox.deliver(
            persona.id,
            channel=PlatformInbox.MINI_PROGRAM,
            title="小程序 · 绑定信息",
            body=text,
            at=sb.clock.now(),
            data={"path": body.get("path"), "status": status},
        )
        return web.json_response({"status": status, "result": session})

    app.router.add_post("/console/follow", follow)
    app.router.add_post("/console/unfollow", unfollow)
    app.router.add_post("/console/click", click)
    app.router.add_post("/console/text", text)
    app.router.add_post("/console/block-templates", block_templates)
    app.router.add_post("/console/login-code", login_code)
    app.router.add_post("/console/phone-code", phone_code)
    app.router.add_post("/console/open-link", open_link)
    app.router.add_post("/console/mini-program-bind", mini_program_bind)


def add_control_routes(app: web.Application, sb: WeChatSandbox) -> None:
    async def faults(request: web.Request) -> web.Response:
        body = await request.json()
        for path, codes in body.items():
            sb.state.faults.setdefault(str(path), []).extend(int(c) for c in codes)
        return web.json_response({"faults": sb.state.faults})

    async def quota(request: web.Request) -> web.Response:
        body = await request.json()
        sb.state.template_daily_cap = int(body["template_daily_cap"])
        return web.json_response({"template_daily_cap": sb.state.template_daily_cap})

    async def user(request: web.Request) -> web.Response:
        """Changes what the platform knows without telling our webhook (a lost push)."""
        body = await request.json()
        user = sb.state.user(str(body["openid"]))
        if "subscribed" in body:
            user.subscribed = bool(body["subscribed"])
        return web.json_response({"openid": user.openid, "subscribed": user.subscribed})

    async def reports(request: web.Request) -> web.Response:
        """{"before_answer": true}: each send's job report reaches our webhook before the send's answer."""
        body = await request.json()
        sb.state.report_before_answer = bool(body.get("before_answer", False))
        return web.json_response({"before_answer": sb.state.report_before_answer})

    async def flush(_request: web.Request) -> web.Response:
        await sb.flush()
        return web.json_response({"ok": True})

    async def sent(_request: web.Request) -> web.Response:
        return web.json_response({"sent": sb.state.sent, "token_fetches": sb.state.token_fetches})

    async def menu(_request: web.Request) -> web.Response:
        return web.json_response({"menu": sb.state.menu})

    app.router.add_get("/__sandbox__/menu", menu)
    app.router.add_post("/__sandbox__/faults", faults)
    app.router.add_post("/__sandbox__/quota", quota)
    app.router.add_post("/__sandbox__/flush", flush)
    app.router.add_post("/__sandbox__/reports", reports)
    app.router.add_post("/__sandbox__/user", user)
    app.router.add_get("/__sandbox__/sent", sent)


def offer_follow(sb: WeChatSandbox) -> None:
    """Puts the official account's QR code on every WeChat user's phone, so the console can follow."""
    for persona in sb.sandbox.people.values():
        if not persona.wechat_openid:
            continue
        body = {"person_id": persona.id}
        sb.sandbox.deliver(
            persona.wechat_openid,
            channel=PlatformInbox.WECHAT_OFFICIAL_ACCOUNT,
            title="科转公众号",
            body="关注「科转」公众号，接收与您领域匹配的需求推送。",
            at=sb.clock.now(),
            actions=[
                {"label": "关注公众号", "url": "/wechat/console/follow", "body": body},
                {"label": "扫邀请二维码关注", "url": "/wechat/console/follow", "body": {**body, "scene": "inv:demo"}},
                *_actions(persona.id, sb.state.menu),
            ],
        )


def create_wechat_sandbox(sb: WeChatSandbox) -> web.Application:
    app = web.Application()
    add_api_routes(app, sb)
    add_console_routes(app, sb)
    add_control_routes(app, sb)

    async def start(_app: web.Application) -> None:
        offer_follow(sb)

    app.on_startup.append(start)

    async def close(_app: web.Application) -> None:
        await sb.close()

    app.on_cleanup.append(close)
    return app


def wechat_sandbox_app(sandbox: SandboxState, clock: Clock) -> web.Application:
    """The sandbox official account as mounted at /sandbox/wechat in sandbox mode."""
    state = WeChatSandboxState()
    for openid in sandbox.wechat_followers:  # the demo's followers (our database already says so)
        persona = sandbox.find(openid)
        state.user(openid, persona.id if persona else None).subscribed = True
    return create_wechat_sandbox(WeChatSandbox(state, sandbox, clock))
