"""Sign-in endpoints and the bearer-token middleware that guards every other /api/v1 route."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.bootstrap import container_key
from handlers.auth.authenticate import authenticate
from handlers.auth.bind_mini_program import BindMiniProgram, bind_mini_program
from handlers.auth.change_password import ChangePassword, change_password
from handlers.auth.errors import PasswordChangeRequired, Unauthenticated
from handlers.auth.login_mini_program import LoginMiniProgram, login_mini_program
from handlers.auth.login_with_dingtalk import LoginWithDingTalk, login_with_dingtalk
from handlers.auth.login_with_password import LoginWithPassword, login_with_password
from handlers.auth.login_with_sms_code import LoginWithSmsCode, login_with_sms_code
from handlers.auth.logout import logout
from handlers.auth.me import Me, describe_me
from handlers.auth.policy import AuthPolicy
from handlers.auth.request_sms_code import RequestSmsCode, request_sms_code
from handlers.auth.reset_password_with_sms_code import ResetPasswordWithSmsCode, reset_password_with_sms_code
from handlers.auth.sessions import IssuedSession
from handlers.errors import InvalidInput
from handlers.organisation.actors import Actor
from handlers.workbench.first_screen import first_screen
from handlers.workbench.get_workbench import Workbench
from miniapp_api import rest
from miniapp_api.body import Boolean, Field, Text, fields, text
from miniapp_api.platforms import MiniProgramPhonesOnDemand, dingtalk_login, mini_program_login
from miniapp_api.rest import AUTH_KEY, Access
from miniapp_api.schemas import STR, obj, operation, schema_of
from store.models.auth import SessionKind

if TYPE_CHECKING:
    from bot.bootstrap import Container

PREFIX = "/api/v1"


def _container(request: web.Request) -> Container:

    return request.config_dict[container_key]


def auth_policy(container: Container) -> AuthPolicy:
    return container.auth_policy


def bearer_token(request: web.Request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated()
    return token.strip()


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    # No route matched (404/405): there is nothing to guard, and the caller gets the clear error.
    if request.match_info.http_exception is not None:
        return await handler(request)
    # Each route declares who may call it (miniapp_api.rest.route); one not declared is private.
    route = rest.declared_route(request)
    if route is not None and route.access is not Access.SIGNED_IN:
        return await handler(request)
    container = _container(request)
    auth = await authenticate(bearer_token(request), container.uow(), auth_policy(container))
    if auth.must_change_password and not (route is not None and route.while_password_change_due):
        raise PasswordChangeRequired()
    request[AUTH_KEY] = auth
    return await handler(request)


def _kind(body: dict[str, Any], name: str) -> SessionKind:
    try:
        return SessionKind(body.get(name) or SessionKind.WEB)
    except ValueError:
        raise InvalidInput("登录端类型有误", code="invalid_kind") from None


_KIND_SCHEMA = {"type": "string", "enum": ["micro_app", "mini_program", "web"], "default": "web"}
Kind = Annotated[SessionKind, Field(_kind, _KIND_SCHEMA)]


def _session_body(issued: IssuedSession) -> dict[str, Any]:
    return {
        "token": issued.token,
        "token_type": "Bearer",
        "kind": issued.kind.value,
        "account_id": issued.account_id,
        "bound": issued.account_id is not None,
        "must_change_password": issued.must_change_password,
    }


@dataclass(frozen=True)
class PasswordLoginBody:
    mobile: Annotated[str, Text(required=True)]
    password: Annotated[str, Text(required=True)]
    kind: Kind


async def password_login(request: web.Request, body: PasswordLoginBody) -> web.Response:
    container = _container(request)
    issued = await login_with_password(
        LoginWithPassword(body.mobile, body.password, body.kind), container.uow(), auth_policy(container)
    )
    return web.json_response(_session_body(issued))


def _purpose(body: dict[str, Any], name: str) -> str:
    return text(body, name) or "login"


@dataclass(frozen=True)
class SmsCodeBody:
    mobile: Annotated[str, Text(required=True)]
    purpose: Annotated[
        str, Field(_purpose, {"type": "string", "enum": ["login", "reset", "register"], "default": "login"})
    ]


async def sms_codes(request: web.Request, body: SmsCodeBody) -> web.Response:
    container = _container(request)
    await request_sms_code(
        RequestSmsCode(body.mobile, body.purpose), container.uow(), auth_policy(container), container.coordination
    )
    # The same answer for every number: the page must not reveal who is registered.
    return web.json_response({"status": "accepted"}, status=202)


@dataclass(frozen=True)
class SmsLoginBody:
    mobile: Annotated[str, Text(required=True)]
    code: Annotated[str, Text(required=True)]
    kind: Kind


async def sms_login(request: web.Request, body: SmsLoginBody) -> web.Response:
    container = _container(request)
    issued = await login_with_sms_code(
        LoginWithSmsCode(body.mobile, body.code, body.kind), container.uow(), auth_policy(container)
    )
    return web.json_response(_session_body(issued))


@dataclass(frozen=True)
class PasswordResetBody:
    mobile: Annotated[str, Text(required=True)]
    code: Annotated[str, Text(required=True)]
    new_password: Annotated[str, Text(required=True)]


async def password_reset(request: web.Request, body: PasswordResetBody) -> web.Response:
    container = _container(request)
    await reset_password_with_sms_code(
        ResetPasswordWithSmsCode(body.mobile, body.code, body.new_password), container.uow(), auth_policy(container)
    )
    return web.Response(status=204)


_WITH_WORKBENCH = (
    "true: the answer also carries `me` and `workbench`, as GET /me and GET /workbench would answer the new "
    "session (`workbench` null while a password change is due), so the micro-app's home opens in one round trip"
)


def _auth_code(body: dict[str, Any], name: str) -> str:
    # `authCode`, as dd.getAuthCode names it, is taken too.
    return text(body, name) or text(body, "authCode")


@dataclass(frozen=True)
class DingTalkLoginBody:
    auth_code: Annotated[str, Field(_auth_code, {"type": "string"}, required=True)]
    workbench: Annotated[bool, Boolean(description=_WITH_WORKBENCH)]


async def dingtalk(request: web.Request, body: DingTalkLoginBody) -> web.Response:
    container = _container(request)
    issued = await login_with_dingtalk(
        LoginWithDingTalk(body.auth_code), container.uow(), auth_policy(container), dingtalk_login(container)
    )
    answer = _session_body(issued)
    if body.workbench:
        answer |= await _first_screen(container, issued)
    return web.json_response(answer)


async def _first_screen(container: Container, issued: IssuedSession) -> dict[str, Any]:
    """What GET /me and GET /workbench would answer the new session (counts None while a password change is due,
    as GET /workbench refuses then)."""
    assert issued.account_id is not None  # a DingTalk session always names its account
    screen = await first_screen(issued.account_id, container.uow(), container.follow_up_policy, container.office_hours)
    counts = None if screen.counts is None else rest.plain(screen.counts)
    me = _me_body(screen.actor, screen.me, issued.kind, screen.must_change_password)
    return {"me": me, "workbench": counts}


@dataclass(frozen=True)
class CodeBody:
    code: Annotated[str, Text(required=True)]


async def mini_program(request: web.Request, body: CodeBody) -> web.Response:
    container = _container(request)
    issued = await login_mini_program(
        LoginMiniProgram(body.code), container.uow(), auth_policy(container), mini_program_login(container)
    )
    return web.json_response({**_session_body(issued), "roles": list(issued.roles), "greeting": issued.greeting})


async def mini_program_bind(request: web.Request, body: CodeBody) -> web.Response:
    container = _container(request)
    issued = await bind_mini_program(
        BindMiniProgram(bearer_token(request), body.code), container.uow(), MiniProgramPhonesOnDemand(container)
    )
    return web.json_response({**_session_body(issued), "roles": list(issued.roles), "greeting": issued.greeting})


@dataclass(frozen=True)
class PasswordChangeBody:
    old_password: Annotated[str, Text(required=True)]
    new_password: Annotated[str, Text(required=True)]


async def password_change(request: web.Request, body: PasswordChangeBody) -> web.Response:
    auth = request[AUTH_KEY]
    await change_password(
        ChangePassword(auth.actor.account_id, body.old_password, body.new_password, session_id=auth.session_id),
        _container(request).uow(),
    )
    return web.Response(status=204)


async def logout_view(request: web.Request) -> web.Response:
    await logout(bearer_token(request), _container(request).uow())
    return web.Response(status=204)


async def me(request: web.Request) -> web.Response:
    auth = request[AUTH_KEY]
    person = await describe_me(auth, _container(request).uow())
    return web.json_response(_me_body(auth.actor, person, auth.kind, auth.must_change_password))


def _me_body(actor: Actor, person: Me, kind: SessionKind, must_change_password: bool) -> dict[str, Any]:
    return {
        "account": {"id": person.account_id, "name": person.name, "mobile": person.mobile, "status": person.status},
        "roles": [
            {
                "role": g.role.value,
                "institution_id": g.institution_id,
                "centre_id": g.centre_id,
                "region_code": g.region_code,
            }
            for g in actor.grants
        ],
        "session_kind": kind.value,
        "must_change_password": must_change_password,
    }


_ME = obj(
    ["account", "roles", "must_change_password"],
    account=obj(["id", "name", "mobile", "status"], id={"type": "integer"}, name=STR, mobile=STR, status=STR),
    roles={
        "type": "array",
        "items": obj(
            ["role"],
            role=STR,
            institution_id={"type": ["integer", "null"]},
            centre_id={"type": ["integer", "null"]},
            region_code={"type": ["string", "null"]},
        ),
    },
    session_kind=STR,
    must_change_password={"type": "boolean"},
)
SESSION_SCHEMA: dict[str, Any] = obj(
    ["token", "token_type", "kind", "account_id", "bound", "must_change_password"],
    token={"type": "string", "description": "send as `Authorization: Bearer <token>`"},
    token_type={"type": "string", "enum": ["Bearer"]},
    kind=_KIND_SCHEMA,
    account_id={"type": ["integer", "null"]},
    bound={"type": "boolean", "description": "false: a pending mini-program session awaiting binding"},
    must_change_password={"type": "boolean"},
    roles={
        "type": "array",
        "items": {"type": "string", "enum": ["expert", "enterprise_contact"]},
        "description": "mini-program sessions only: whom the bound account is (empty while pending)",
    },
    greeting={
        "type": "string",
        "description": "mini-program sessions only: the welcome to show, naming the "
        "role (专家 / 企业联系人) and what it can do; empty while pending",
    },
    me={**_ME, "description": "DingTalk 免登 with `workbench: true` only: as GET /me answers"},
    workbench={
        "anyOf": [schema_of(Workbench), {"type": "null"}],
        "description": "DingTalk 免登 with `workbench: true` only: as GET /workbench answers; null while a "
        "password change is due",
    },
)
SECURITY_SCHEMES: dict[str, Any] = {"bearer": {"type": "http", "scheme": "bearer"}}
_SESSION = ("200", {"$ref": "#/components/schemas/Session"})

ROUTES = [
    rest.route(
        "POST",
        "/auth/password-login",
        password_login,
        operation(
            "手机号 + 密码 sign-in; 5 failures lock the account for 15 minutes",
            _SESSION,
            ok_description="a session",
            errors={"401": "login_failed: 手机号或密码错误", "403": "account_disabled", "429": "too_many_attempts"},
        ),
        body=fields(PasswordLoginBody),
        access=Access.PUBLIC,
    ),
    rest.route(
        "POST",
        "/auth/sms-codes",
        sms_codes,
        operation(
            "Send a 6-digit code (purpose login, reset or register — register also to a number without an account); "
            "one per 60 s and 10 per day per number",
            ("202", None),
            ok_description="accepted (the same answer for unregistered numbers)",
            errors={
                "422": "invalid_mobile",
                "429": "sms_too_frequent: the number's code windows (1/min, 5/h, 10/24 h) are "
                "full; error.retry_after and the Retry-After header give the seconds to wait",
            },
        ),
        body=fields(SmsCodeBody),
        access=Access.PUBLIC,
    ),
    rest.route(
        "POST",
        "/auth/sms-login",
        sms_login,
        operation(
            "手机号 + 验证码 sign-in; a code works once, 5 wrong tries burn it",
            _SESSION,
            ok_description="a session",
            errors={"401": "invalid_sms_code", "403": "account_disabled"},
        ),
        body=fields(SmsLoginBody),
        access=Access.PUBLIC,
    ),
    rest.route(
        "POST",
        "/auth/password-reset",
        password_reset,
        operation(
            "Set a new password with a reset code; every session of the account ends",
            ("204", None),
            ok_description="done",
            errors={"401": "invalid_sms_code", "422": "weak_password"},
        ),
        body=fields(PasswordResetBody),
        access=Access.PUBLIC,
    ),
    rest.route(
        "POST",
        "/auth/dingtalk-login",
        dingtalk,
        operation(
            "DingTalk 免登: the micro-app's authCode (dd.getAuthCode) for a session",
            _SESSION,
            ok_description="a session",
            errors={
                "401": "invalid_auth_code",
                "404": "account_not_found: 未找到您的账号，请联系管理员",
                "503": "platform_unavailable",
            },
        ),
        body=fields(DingTalkLoginBody),
        access=Access.PUBLIC,
    ),
    rest.route(
        "POST",
        "/auth/mini-program-login",
        mini_program,
        operation(
            "Mini-program login with a wx.login code: the bound account's session, or a pending one (bound=false)",
            _SESSION,
            ok_description="a session",
            errors={"401": "invalid_login_code", "503": "platform_unavailable"},
        ),
        body=fields(CodeBody),
        access=Access.PUBLIC,
    ),
    rest.route(
        "POST",
        "/auth/mini-program-bind",
        mini_program_bind,
        operation(
            "Bind the pending mini-program session (its bearer token) by phone authorization: `code` from "
            "getPhoneNumber. Binds only when the phone equals an expert's or enterprise contact's mobile; "
            "the same token then carries the account",
            _SESSION,
            ok_description="the session, now bound",
            errors={
                "401": "invalid_phone_code: 手机号授权已失效，请重新授权 / unauthenticated",
                "403": "not_mini_program / already_bound: only a pending mini-program session binds",
                "404": "account_not_found: 账号不存在，请联系法人机构管理员确认信息是否已加入系统",
                "409": "bound_elsewhere: 该账号已绑定其他微信 / already_bound (a concurrent bind won)",
                "422": "missing_code",
                "503": "platform_unavailable",
            },
        ),
        body=fields(CodeBody),
        access=Access.PENDING,
    ),
    rest.route(
        "POST",
        "/auth/password",
        password_change,
        operation(
            "Change one's password (min 8 characters with letters and digits); other sessions end",
            ("204", None),
            ok_description="done",
            errors={"401": "wrong_password / unauthenticated", "422": "weak_password"},
        ),
        body=fields(PasswordChangeBody),
        while_password_change_due=True,
    ),
    rest.route(
        "POST",
        "/auth/logout",
        logout_view,
        operation("End this session", ("204", None), ok_description="done", errors={"401": "unauthenticated"}),
        while_password_change_due=True,
    ),
    rest.route(
        "GET",
        "/me",
        me,
        operation(
            "The signed-in account, its roles and whether a password change is due",
            ("200", _ME),
            ok_description="me",
            errors={"401": "unauthenticated"},
        ),
        while_password_change_due=True,
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
