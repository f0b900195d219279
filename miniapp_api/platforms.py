"""The sign-in ports over our DingTalk and WeChat clients: they translate platform errors, never decide."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.dingtalk.client import DingTalkClient
from bot.dingtalk.errors import DingTalkError
from bot.dingtalk.wiring import dingtalk_settings
from bot.wechat.client import MiniProgramClient, WeChatError
from bot.wechat.clients import wechat_clients
from handlers.auth.ports import MiniProgramIdentity
from handlers.errors import DomainError

if TYPE_CHECKING:
    from bot.bootstrap import Container

# getuserinfo: 40078 the code is unknown, spent or expired; 60121 the member is gone.
_DINGTALK_NO_USER = {"40078", "60121"}
# jscode2session: 40029 invalid code, 40163 code already used, 40226 a risky user WeChat blocks.
_WECHAT_BAD_CODE = {40029, 40163, 40226}
# getuserphonenumber: 40029 invalid (unknown, spent or older than 5 minutes), 40163 already used.
_PHONE_BAD_CODE = {40029, 40163}


class PlatformUnavailable(DomainError):
    status = 503
    code = "platform_unavailable"
    message = "登录服务暂时不可用，请稍后再试"


class DingTalkLogin:
    def __init__(self, client: DingTalkClient) -> None:
        self.client = client

    async def userid_for_auth_code(self, code: str) -> str | None:
        try:
            user = await self.client.user_by_auth_code(code)
        except DingTalkError as exc:
            if exc.code in _DINGTALK_NO_USER:
                return None
            raise PlatformUnavailable() from exc
        userid = user.get("userid")
        return str(userid) if userid else None

    async def mobile_of(self, userid: str) -> str | None:
        try:
            user = await self.client.user(userid)
        except DingTalkError as exc:
            if exc.code in _DINGTALK_NO_USER:
                return None
            raise PlatformUnavailable() from exc
        mobile = user.get("mobile")
        return str(mobile) if mobile else None


class MiniProgramLogin:
    def __init__(self, client: MiniProgramClient) -> None:
        self.client = client

    async def identify(self, code: str) -> MiniProgramIdentity | None:
        try:
            result = await self.client.jscode2session(code)
        except WeChatError as exc:
            if exc.errcode in _WECHAT_BAD_CODE:
                return None
            raise PlatformUnavailable() from exc
        openid = result.get("openid")
        if not openid:
            return None
        unionid = result.get("unionid")
        return MiniProgramIdentity(str(openid), str(unionid) if unionid else None)

    async def phone_number(self, code: str, openid: str | None) -> str | None:
        try:
            info = await self.client.get_user_phone_number(code, openid=openid)
        except WeChatError as exc:
            if exc.errcode in _PHONE_BAD_CODE:
                return None
            raise PlatformUnavailable() from exc
        number = str(info.get("purePhoneNumber") or "")
        country = str(info.get("countryCode") or "86")
        if not number:
            return None
        # Accounts hold mainland numbers without a prefix; a foreign number then simply matches none.
        return number if country == "86" else f"+{country}{number}"


def dingtalk_login(container: Container) -> DingTalkLogin:
    settings = dingtalk_settings(container.settings)
    if settings is None:
        raise PlatformUnavailable("未启用钉钉登录", code="dingtalk_not_configured")
    return DingTalkLogin(DingTalkClient(container.http, settings, container.coordination, container.clock))


def mini_program_login(container: Container) -> MiniProgramLogin:
    clients = wechat_clients(container)
    if clients is None or clients.mini_program is None:
        raise PlatformUnavailable("未启用小程序登录", code="mini_program_not_configured")
    return MiniProgramLogin(clients.mini_program)


class MiniProgramPhonesOnDemand:
    """The phone-number port, built at its first use: the binding use case checks the session before any
    platform call, so a wrong session is refused as such even where the mini-program is not configured."""

    def __init__(self, container: Container) -> None:
        self.container = container

    async def phone_number(self, code: str, openid: str | None) -> str | None:
        return await mini_program_login(self.container).phone_number(code, openid)
