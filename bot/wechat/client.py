"""Our async client for the WeChat APIs we use, with one base URL and one token writer.

The access token comes from `stable_token` behind Coordination.shared_token, so every instance
shares one token and only one of them ever fetches it. A rejected token (40001/42001/40014) is
invalidated and the call retried once: a persistent rejection surfaces instead of looping.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import aiohttp

from bot.coordination import Coordination

log = logging.getLogger(__name__)


class WeChatError(Exception):
    codes: tuple[int, ...] = ()

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"{errcode} {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class TokenInvalid(WeChatError):
    codes = (40001, 42001, 40014)


class InvalidOpenid(WeChatError):
    codes = (40003,)


class NotFollowing(WeChatError):
    codes = (43004,)


class InvalidTemplate(WeChatError):
    codes = (40037,)


class InvalidArgument(WeChatError):
    codes = (47003, 47001)


class InvalidMenu(WeChatError):
    """menu/create: button count, type, name, key or url out of the platform's bounds."""

    codes = (40016, 40017, 40018, 40019, 40023, 40024, 40025, 40026, 40027, 40054, 40055)


class DailyQuotaExceeded(WeChatError):
    codes = (45009,)


class OutOfWindow(WeChatError):
    """Customer-service messages need a user interaction within the last 48 hours."""

    codes = (45015,)


class UserRefused(WeChatError):
    codes = (43101,)


class InvalidCode(WeChatError):
    codes = (40029, 40163)


class RiskBlocked(WeChatError):
    codes = (40226,)


class Busy(WeChatError):
    codes = (-1,)


class RateLimited(WeChatError):
    codes = (45011, 45047)


class Unavailable(WeChatError):
    """No answer we could read: network error, timeout, 5xx."""

    def __init__(self, reason: str) -> None:
        super().__init__(-2, reason)


_BY_CODE: dict[int, type[WeChatError]] = {
    code: cls
    for cls in (
        TokenInvalid,
        InvalidOpenid,
        NotFollowing,
        InvalidTemplate,
        InvalidArgument,
        InvalidMenu,
        DailyQuotaExceeded,
        OutOfWindow,
        UserRefused,
        InvalidCode,
        RiskBlocked,
        Busy,
        RateLimited,
    )
    for code in cls.codes
}


def error_for(errcode: int, errmsg: str) -> WeChatError:
    return _BY_CODE.get(errcode, WeChatError)(errcode, errmsg)


class WeChatClient:
    def __init__(
        self,
        http: aiohttp.ClientSession,
        coordination: Coordination,
        *,
        base_url: str,
        app_id: str,
        app_secret: str,
    ) -> None:
        self.http = http
        self.coordination = coordination
        self.base_url = base_url.rstrip("/")
        self.app_id = app_id
        self._secret = app_secret
        self._token_name = f"wechat:{app_id}"

    # --- token ---------------------------------------------------------------------------------

    async def access_token(self) -> str:
        return await self.coordination.shared_token(self._token_name, self._fetch_stable_token)

    async def _fetch_stable_token(self) -> tuple[str, float]:
        data = await self._request(
            "POST",
            "/cgi-bin/stable_token",
            body={
                "grant_type": "client_credential",
                "appid": self.app_id,
                "secret": self._secret,
                "force_refresh": False,
            },
        )
        return str(data["access_token"]), float(data.get("expires_in", 7200))

    # --- transport -----------------------------------------------------------------------------

    async def _request(
        self, method: str, path: str, *, params: dict[str, str] | None = None, body: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        # ensure_ascii=False: WeChat counts characters, and escapes would lengthen Chinese text.
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"} if data is not None else None
        try:
            async with self.http.request(
                method, f"{self.base_url}{path}", params=params, data=data, headers=headers
            ) as response:
                if response.status >= 500:
                    raise Unavailable(f"HTTP {response.status} from {path}")
                raw = await response.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise Unavailable(f"{path}: {exc!r}") from exc
        try:
            parsed = json.loads(raw.decode(errors="ignore"))
        except ValueError as exc:
            raise Unavailable(f"{path}: not JSON") from exc
        if not isinstance(parsed, dict):
            raise Unavailable(f"{path}: unexpected body")
        errcode = int(parsed.get("errcode", 0) or 0)
        if errcode:
            raise error_for(errcode, str(parsed.get("errmsg", "")))
        return parsed

    async def _call(
        self, method: str, path: str, *, params: dict[str, str] | None = None, body: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """An authenticated call; a rejected token is dropped, refetched once, and the call repeated once."""
        token = await self.access_token()
        try:
            return await self._request(method, path, params={**(params or {}), "access_token": token}, body=body)
        except TokenInvalid:
            await self.coordination.invalidate_token(self._token_name, token)
            token = await self.access_token()
        try:
            return await self._request(method, path, params={**(params or {}), "access_token": token}, body=body)
        except TokenInvalid:
            # A fresh token rejected too: something else is refreshing it (a second writer). No loop.
            log.error("wechat rejected a freshly fetched token", extra={"app_id": self.app_id, "path": path})
            raise

    # --- official account ------------------------------------------------------------------------

    async def send_template(
        self,
        openid: str,
        template_id: str,
        data: dict[str, Any],
        *,
        url: str | None = None,
        miniprogram: dict[str, str] | None = None,
        client_msg_id: str | None = None,
    ) -> str:
        """Returns the msgid a later TEMPLATESENDJOBFINISH event reports on."""
        body: dict[str, Any] = {"touser": openid, "template_id": template_id, "data": data}
        if url:
            body["url"] = url
        if miniprogram:
            body["miniprogram"] = miniprogram
        if client_msg_id:
            body["client_msg_id"] = client_msg_id  # the platform drops repeats within 10 minutes
        result = await self._call("POST", "/cgi-bin/message/template/send", body=body)
        return str(result.get("msgid", ""))

    async def send_custom(self, openid: str, message: dict[str, Any]) -> None:
        """`message` is the msgtype part, e.g. {"msgtype": "text", "text": {"content": "…"}}."""
        await self._call("POST", "/cgi-bin/message/custom/send", body={"touser": openid, **message})

    async def send_custom_text(self, openid: str, content: str) -> None:
        await self.send_custom(openid, {"msgtype": "text", "text": {"content": content}})

    async def user_info(self, openid: str) -> dict[str, Any]:
        return await self._call("GET", "/cgi-bin/user/info", params={"openid": openid, "lang": "zh_CN"})

    async def create_temporary_qrcode(self, scene: str, *, expire_seconds: int = 30 * 86400) -> dict[str, Any]:
        """A QR code whose follow event carries `scene` (≤64 characters; at most 30 days)."""
        return await self._call(
            "POST",
            "/cgi-bin/qrcode/create",
            body={
                "expire_seconds": expire_seconds,
                "action_name": "QR_STR_SCENE",
                "action_info": {"scene": {"scene_str": scene}},
            },
        )

    async def create_menu(self, menu: dict[str, Any]) -> None:
        await self._call("POST", "/cgi-bin/menu/create", body=menu)


class MiniProgramClient(WeChatClient):
    """The mini-program is an app of its own: built with its appid and secret, so its token is cached
    under its appid, apart from the official account's (the platform refuses one's for the other)."""

    async def jscode2session(self, js_code: str) -> dict[str, Any]:
        """openid, session_key and, when bound to an Open Platform account, unionid. Codes are one-shot."""
        return await self._request(
            "GET",
            "/sns/jscode2session",
            params={
                "appid": self.app_id,
                "secret": self._secret,
                "js_code": js_code,
                "grant_type": "authorization_code",
            },
        )

    async def get_user_phone_number(self, code: str, *, openid: str | None = None) -> dict[str, Any]:
        body = {"code": code} if openid is None else {"code": code, "openid": openid}
        result = await self._call("POST", "/wxa/business/getuserphonenumber", body=body)
        phone_info: dict[str, Any] = result.get("phone_info", {})
        return phone_info
