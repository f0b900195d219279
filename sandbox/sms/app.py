"""A faithful offline Aliyun dysmsapi: SendSms with the RPC signature checked, the provider's own
per-number flow control, its error codes, the person's phone inbox, and SmsReport receipts pushed back.

Answers as Aliyun does: HTTP 200 {"Code": "OK", "BizId", …} or {"Code": "isv.…"}; 4xx for signature trouble.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import json
import re
import secrets
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import aiohttp
from aiohttp import web

from cards.outbound import Channel
from handlers.clock import Clock
from sandbox.links import url_actions
from sandbox.sms.credentials import SANDBOX_SMS, SandboxSmsAccount
from sandbox.state import SandboxState
from sandbox.tasks import BackgroundTasks

BEIJING = ZoneInfo("Asia/Shanghai")

# Notice-template variables hold 1–35 characters (verification codes 4–6).
VARIABLE_MAX = 35
_MOBILE = re.compile(r"^(\+?86)?1[3-9]\d{9}$")


def _percent(value: str) -> str:
    return quote(value, safe="~")


def expected_signature(params: dict[str, str], secret: str, method: str) -> str:
    canonical = "&".join(f"{_percent(k)}={_percent(params[k])}" for k in sorted(params) if k != "Signature")
    to_sign = f"{method}&%2F&{_percent(canonical)}"
    return base64.b64encode(hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()).decode()


def expected_v3_signature(request: web.Request, body: bytes, signed_headers: list[str], secret: str) -> str:
    """ACS3-HMAC-SHA256, what Aliyun's current SDKs send: a canonical request over the signed headers."""
    query = "&".join(f"{k}={_percent(request.query[k])}" for k in sorted(request.query))
    headers = "".join(
        f"{name}:{','.join(sorted(v.strip() for v in request.headers.getall(name, [])))}\n" for name in signed_headers
    )
    payload = hashlib.sha256(body).hexdigest()
    canonical = f"{request.method}\n{request.path or '/'}\n{query}\n{headers}\n{';'.join(signed_headers)}\n{payload}"
    to_sign = f"ACS3-HMAC-SHA256\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    return hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()


def _authorization(value: str) -> dict[str, str]:
    parts = value.removeprefix("ACS3-HMAC-SHA256").strip().split(",")
    return dict(p.strip().split("=", 1) for p in parts if "=" in p)


@dataclass
class SmsSandboxState:
    account: SandboxSmsAccount = SANDBOX_SMS
    # The provider's own flow control per number, rolling windows (Aliyun's defaults): verification codes
    # (any code template of the signature) 1 a minute, 5 an hour, 10 a day; notifications 50 a day per template.
    per_minute: int = 1
    per_hour: int = 5
    per_day: int = 10
    notice_per_day: int = 50
    # Which templates were approved as verification-code templates (验证码); the others are notifications.
    code_templates: frozenset[str] = frozenset(
        {"SMS_CODE", "SMS_LOGIN_CODE", "SMS_RESET_CODE", "SMS_CHANGE_MOBILE_CODE", "SMS_REGISTER_CODE"}
    )
    templates: dict[str, str] = field(
        default_factory=lambda: {
            "SMS_INVITE": "${name}您好，${institution}邀请您加入科转专家库，请关注公众号完成绑定。",
            "SMS_CODE": "您的验证码为${code}，5分钟内有效。",
            # The codes sign-in sends (bot.settings.AuthSettings names them).
            "SMS_LOGIN_CODE": "您的登录验证码为${code}，5分钟内有效，请勿泄露。",
            "SMS_RESET_CODE": "您正在重置密码，验证码为${code}，5分钟内有效。",
            "SMS_CHANGE_MOBILE_CODE": "您正在更换科转账号绑定的手机号，验证码为${code}，5分钟内有效。",
            "SMS_REGISTER_CODE": "您正在注册科转账号，验证码为${code}，5分钟内有效，请勿泄露。",
            "SMS_NOTICE": "${text}",
            "SMS_CERTIFICATION_DECIDED": "您提交的单位认证「${name}」${status}${reason}，请登录科转查看。",
            "SMS_DEMAND_STATUS": "您的需求「${title}」${status}，可在科转小程序查看详情。",
            # The approved template holds our own domain as fixed text; {origin} stands for it in the sandbox.
            "SMS_EXPERT_INVITE": "${name}您好，${institution}邀请您加入科转专家库。请在微信中打开 {origin}/i/${code} "
            "识别二维码关注公众号，完成专家信息绑定。",
        }
    )
    sent: list[dict[str, Any]] = field(default_factory=list)
    nonces: set[str] = field(default_factory=set)
    requests: int = 0
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(900_000_001))


class SmsSandbox:
    def __init__(
        self, state: SmsSandboxState, sandbox: SandboxState, clock: Clock, receipt_url: str | None = None
    ) -> None:
        self.state = state
        self.sandbox = sandbox
        self.clock = clock
        self.receipt_url = receipt_url  # None: {origin}/sms/receipts/{token}
        self._http: aiohttp.ClientSession | None = None
        self._background = BackgroundTasks()

    def _answer(self, code: str, message: str, status: int = 200, **extra: Any) -> web.Response:
        return web.json_response(
            {"RequestId": secrets.token_hex(8).upper(), "Code": code, "Message": message, **extra}, status=status
        )

    def _flow_control(self, phone: str, template: str, now: datetime) -> str | None:
        """Aliyun's per-number flow control: the windows end `now` and reach back (rolling, not calendar)."""
        codes = self.state.code_templates
        windows: tuple[tuple[timedelta, int, str], ...]
        if template in codes:
            times = [s["at"] for s in self.state.sent if s["phone"] == phone and s["template"] in codes]
            windows = (
                (timedelta(minutes=1), self.state.per_minute, "分钟"),
                (timedelta(hours=1), self.state.per_hour, "小时"),
                (timedelta(days=1), self.state.per_day, "天"),
            )
        else:
            times = [s["at"] for s in self.state.sent if s["phone"] == phone and s["template"] == template]
            windows = ((timedelta(days=1), self.state.notice_per_day, "天"),)
        for window, cap, label in windows:
            if sum(1 for t in times if now - t < window) >= cap:
                return f"触发{label}级流控Permits:{cap}"
        return None

    async def rpc(self, request: web.Request) -> web.Response:
        self.state.requests += 1
        body = await request.read()
        params = {**request.query, **{k: str(v) for k, v in (await request.post()).items()}}
        account = self.state.account
        auth = request.headers.get("Authorization", "")
        if auth.startswith("ACS3-HMAC-SHA256"):  # signature v3 (current SDKs)
            fields = _authorization(auth)
            key_id, nonce = fields.get("Credential", ""), request.headers.get("x-acs-signature-nonce", "")
            params["Action"] = request.headers.get("x-acs-action", "")
            signed = fields.get("SignedHeaders", "").split(";")
            valid = fields.get("Signature") == expected_v3_signature(request, body, signed, account.access_key_secret)
        else:  # signature v1.0 (HMAC-SHA1 over the parameters)
            key_id, nonce = params.get("AccessKeyId", ""), params.get("SignatureNonce", "")
            valid = params.get("Signature") == expected_signature(params, account.access_key_secret, request.method)
        if key_id != account.access_key_id:
            return self._answer("InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404)
        if not valid:
            return self._answer(
                "SignatureDoesNotMatch", "Specified signature is not matched with our calculation.", 400
            )
        if not nonce or nonce in self.state.nonces:
            return self._answer("SignatureNonceUsed", "Specified signature nonce was used already.", 400)
        self.state.nonces.add(nonce)
        if params.get("Action") != "SendSms":
            return self._answer("InvalidAction.NotFound", "Specified api is not found.", 404)
        return self._send(params, str(request.url.origin()))

    def _send(self, params: dict[str, str], origin: str) -> web.Response:
        now = self.clock.now()
        phone = params.get("PhoneNumbers", "")
        if not _MOBILE.match(phone):
            return self._answer("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
        if params.get("SignName") != self.state.account.sign_name:
            return self._answer("isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名")
        template = self.state.templates.get(params.get("TemplateCode", ""))
        if template is None:
            return self._answer("isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板")
        try:
            values = json.loads(params.get("TemplateParam") or "{}")
        except ValueError:
            return self._answer("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
        missing = [n for n in re.findall(r"\$\{(\w+)\}", template) if n not in values]
        if missing:
            return self._answer("isv.TEMPLATE_MISSING_PARAMETERS", f"模板变量缺少对应参数值: {missing[0]}")
        if limited := self._flow_control(phone, params.get("TemplateCode", ""), now):
            return self._answer("isv.BUSINESS_LIMIT_CONTROL", limited)
        biz_id = f"{next(self.state.ids)}^0"
        too_long = [n for n, v in values.items() if len(str(v)) > VARIABLE_MAX]
        if too_long:
            return self._answer("isv.PARAM_LENGTH_LIMIT", f"参数超出长度限制: {too_long[0]}")
        text = re.sub(r"\$\{(\w+)\}", lambda m: str(values[m.group(1)]), template).replace("{origin}", origin)
        self.state.sent.append(
            {
                "phone": phone,
                "at": now,
                "biz_id": biz_id,
                "text": text,
                "out_id": params.get("OutId"),
                "template": params.get("TemplateCode"),
            }
        )
        # An invitation names its addressee: their new phone is labelled with it.
        person = self.sandbox.ensure_person(phone[-11:], str(values.get("name") or "") or None)
        self.sandbox.deliver(
            person.id,
            channel=Channel.SMS,
            title=f"短信 · 【{self.state.account.sign_name}】",
            body=f"【{self.state.account.sign_name}】{text}",
            at=now,
            actions=url_actions(person.id, text),
        )
        self._later(self._receipt(origin, phone, biz_id, params.get("OutId", ""), now))
        return self._answer("OK", "OK", BizId=biz_id)

    async def _receipt(self, origin: str, phone: str, biz_id: str, out_id: str, at: datetime) -> None:
        stamp = at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")  # Aliyun words times in Beijing time
        report = [
            {
                "phone_number": phone,
                "send_time": stamp,
                "report_time": stamp,
                "success": True,
                "err_code": "DELIVERED",
                "err_msg": "用户接收成功",
                "sms_size": "1",
                "biz_id": biz_id,
                "out_id": out_id,
            }
        ]
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5), trust_env=False)
        url = self.receipt_url or f"{origin}/sms/receipts/{self.state.account.receipt_token}"
        for attempt in range(3):  # a report not acknowledged with code 0 is pushed again
            try:
                async with self._http.post(url, json=report) as response:
                    if response.status == 200 and (await response.json()).get("code") == 0:
                        return
            except (aiohttp.ClientError, TimeoutError, ValueError):
                pass
            await asyncio.sleep(0.1 * (attempt + 1))

    def _later(self, coro: Coroutine[Any, Any, Any]) -> None:
        self._background.later(coro)

    async def flush(self) -> None:
        await self._background.flush()

    async def close(self) -> None:
        await self.flush()
        if self._http is not None:
            await self._http.close()


def create_sms_sandbox(sb: SmsSandbox) -> web.Application:
    app = web.Application()

    async def limits(request: web.Request) -> web.Response:
        body = await request.json()
        names = ("per_minute", "per_hour", "per_day", "notice_per_day")
        for name in names:
            if name in body:
                setattr(sb.state, name, int(body[name]))
        return web.json_response({name: getattr(sb.state, name) for name in names})

    async def flush(_request: web.Request) -> web.Response:
        await sb.flush()
        return web.json_response({"ok": True})

    async def sent(_request: web.Request) -> web.Response:
        return web.json_response(
            {
                "requests": sb.state.requests,
                "sent": [
                    {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in s.items()} for s in sb.state.sent
                ],
            }
        )

    async def close(_app: web.Application) -> None:
        await sb.close()

    app.router.add_route("*", "/", sb.rpc)
    app.router.add_post("/__sandbox__/limits", limits)
    app.router.add_post("/__sandbox__/flush", flush)
    app.router.add_get("/__sandbox__/sent", sent)
    app.on_cleanup.append(close)
    return app


def sms_sandbox_app(sandbox: SandboxState, clock: Clock) -> web.Application:
    """The sandbox SMS provider as mounted at /sandbox/sms in sandbox mode."""
    return create_sms_sandbox(SmsSandbox(SmsSandboxState(), sandbox, clock))
