"""Sign-in endpoints and the bearer-token middleware that guards every other /api/v1 route."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
from handlers.auth.me import describe_me
from handlers.auth.policy import AuthPolicy
from handlers.auth.request_sms_code import RequestSmsCode, request_sms_code
from handlers.auth.reset_password_with_sms_code import ResetPasswordWithSmsCode, reset_password_with_sms_code
from handlers.auth.sessions import IssuedSession
from handlers.errors import InvalidInput
from miniapp_api.platforms import MiniProgramPhonesOnDemand, dingtalk_login, mini_program_login
from miniapp_api.rest import AUTH_KEY, json_body, text
from store.models.auth import SessionKind

if TYPE_CHECKING:
    from bot.bootstrap import Container

PREFIX = "/api/v1"

# Reachable without a token. Everything else under /api/v1 needs one: a new route is private by default.
PUBLIC_PATHS = frozenset(
    {
        "/openapi.json",
        "/auth/password-login",
        "/auth/sms-codes",
        "/auth/sms-login",
        "/auth/password-reset",
        "/auth/dingtalk-login",
        "/auth/mini-program-login",
    }
)
# /file-links/{token}: a short-lived signed download link, for a phone's viewer that sends no bearer token; the
# token names the account that asked for it, whose right to the file is checked again when it is opened.
PUBLIC_TREES = ("/regions", "/tech-fields", "/file-links")
# Usable with a pending mini-program session (which authenticate() refuses): the use case checks the token.
PENDING_SESSION_PATHS = frozenset({"/auth/mini-program-bind"})
# While an admin-set password awaits its change, only these work.
DURING_FORCED_CHANGE = frozenset({"/me", "/auth/password", "/auth/logout"})


def _container(request: web.Request) -> Container:

    return request.config_dict[container_key]


def auth_policy(container: Container) -> AuthPolicy:
    return container.auth_policy


def _is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or any(path == tree or path.startswith(tree + "/") for tree in PUBLIC_TREES)


def bearer_token(request: web.Request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated()
    return token.strip()


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    path = request.path.removeprefix(PREFIX)
    # No route matched (404/405): there is nothing to guard, and the caller gets the clear error.
    if _is_public(path) or path in PENDING_SESSION_PATHS or request.match_info.http_exception is not None:
        return await handler(request)
    container = _container(request)
    auth = await authenticate(bearer_token(request), container.uow(), auth_policy(container))
    if auth.must_change_password and path not in DURING_FORCED_CHANGE:
        raise PasswordChangeRequired()
    request[AUTH_KEY] = auth
    return await handler(request)


def _kind(body: dict[str, Any]) -> SessionKind:
    try:
        return SessionKind(body.get("kind") or SessionKind.WEB)
    except ValueError:
        raise InvalidInput("登录端类型有误", code="invalid_kind") from None


def _session_body(issued: IssuedSession) -> dict[str, Any]:
    return {
        "token": issued.token,
        "token_type": "Bearer",
        "kind": issued.kind.value,
        "account_id": issued.account_id,
        "bound": issued.account_id is not None,
        "must_change_password": issued.must_change_password,
    }


async def password_login(request: web.Request) -> web.Response:
    body = await json_body(request)
    container = _container(request)
    issued = await login_with_password(
        LoginWithPassword(text(body, "mobile"), text(body, "password"), _kind(body)),
        container.uow(),
        auth_policy(container),
    )
    return web.json_response(_session_body(issued))


async def sms_codes(request: web.Request) -> web.Response:
    body = await json_body(request)
    container = _container(request)
    await request_sms_code(
        RequestSmsCode(text(body, "mobile"), text(body, "purpose") or "login"),
        container.uow(),
        auth_policy(container),
        container.coordination,
    )
    # The same answer for every number: the page must not reveal who is registered.
    return web.json_response({"status": "accepted"}, status=202)


async def sms_login(request: web.Request) -> web.Response:
    body = await json_body(request)
    container = _container(request)
    issued = await login_with_sms_code(
        LoginWithSmsCode(text(body, "mobile"), text(body, "code"), _kind(body)),
        container.uow(),
        auth_policy(container),
    )
    return web.json_response(_session_body(issued))


async def password_reset(request: web.Request) -> web.Response:
    body = await json_body(request)
    container = _container(request)
    await reset_password_with_sms_code(
        ResetPasswordWithSmsCode(text(body, "mobile"), text(body, "code"), text(body, "new_password")),
        container.uow(),
        auth_policy(container),
    )
    return web.Response(status=204)


async def dingtalk(request: web.Request) -> web.Response:
    body = await json_body(request)
    container = _container(request)
    issued = await login_with_dingtalk(
        LoginWithDingTalk(text(body, "auth_code") or text(body, "authCode")),
        container.uow(),
        auth_policy(container),
        dingtalk_login(container),
    )
    return web.json_response(_session_body(issued))


async def mini_program(request: web.Request) -> web.Response:
    body = await json_body(request)
    container = _container(request)
    issued = await login_mini_program(
        LoginMiniProgram(text(body, "code")), container.uow(), auth_policy(container), mini_program_login(container)
    )
    return web.json_response({**_session_body(issued), "roles": list(issued.roles), "greeting": issued.greeting})


async def mini_program_bind(request: web.Request) -> web.Response:
    body = await json_body(request)
    container = _container(request)
    issued = await bind_mini_program(
        BindMiniProgram(bearer_token(request), text(body, "code")),
        container.uow(),
        MiniProgramPhonesOnDemand(container),
    )
    return web.json_response({**_session_body(issued), "roles": list(issued.roles), "greeting": issued.greeting})


async def password_change(request: web.Request) -> web.Response:
    body = await json_body(request)
    auth = request[AUTH_KEY]
    await change_password(
        ChangePassword(
            auth.actor.account_id, text(body, "old_password"), text(body, "new_password"), session_id=auth.session_id
        ),
        _container(request).uow(),
    )
    return web.Response(status=204)


async def logout_view(request: web.Request) -> web.Response:
    await logout(bearer_token(request), _container(request).uow())
    return web.Response(status=204)


async def me(request: web.Request) -> web.Response:
    auth = request[AUTH_KEY]
    person = await describe_me(auth, _container(request).uow())
    return web.json_response(
        {
            "account": {"id": person.account_id, "name": person.name, "mobile": person.mobile, "status": person.status},
            "roles": [
                {
                    "role": g.role.value,
                    "institution_id": g.institution_id,
                    "centre_id": g.centre_id,
                    "region_code": g.region_code,
                }
                for g in auth.actor.grants
            ],
            "session_kind": auth.kind.value,
            "must_change_password": auth.must_change_password,
        }
    )


def register(app: web.Application) -> None:
    app.router.add_post("/auth/password-login", password_login)
    app.router.add_post("/auth/sms-codes", sms_codes)
    app.router.add_post("/auth/sms-login", sms_login)
    app.router.add_post("/auth/password-reset", password_reset)
    app.router.add_post("/auth/dingtalk-login", dingtalk)
    app.router.add_post("/auth/mini-program-login", mini_program)
    app.router.add_post("/auth/mini-program-bind", mini_program_bind)
    app.router.add_post("/auth/password", password_change)
    app.router.add_post("/auth/logout", logout_view)
    app.router.add_get("/me", me)
