"""The REST sign-in endpoints and the bearer middleware, 免登 end to end through the sandbox DingTalk."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import Container, container_key
from bot.settings import Settings
from bot.web import create_web_app
from handlers.clock import ManualClock
from miniapp_api.app import create_api_app
from miniapp_api.errors import error_middleware
from tests.auth.conftest import PASSWORD, make_account, sms_sent
from tests.dingtalk.conftest import DingTalkWorld, world  # noqa: F401  (the sandbox DingTalk fixture)

UNAUTHENTICATED = {"error": {"code": "unauthenticated", "message": "请先登录"}}


@pytest.fixture
def settings(settings: Settings, world: DingTalkWorld) -> Settings:  # noqa: F811
    return settings.model_copy(update={"dingtalk": world.settings()})


@pytest.fixture
async def api(container: Container) -> AsyncIterator[TestClient[Any, Any]]:
    async with TestClient(TestServer(create_web_app(container))) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _login(api: TestClient[Any, Any], password: str = PASSWORD) -> dict[str, Any]:
    response = await api.post(
        "/api/v1/auth/password-login", json={"mobile": "13800000004", "password": password, "kind": "micro_app"}
    )
    assert response.status == 200, await response.text()
    body: dict[str, Any] = await response.json()
    return body


async def test_private_routes_need_a_token(api: TestClient[Any, Any]) -> None:
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Basic abc"}):
        response = await api.get("/api/v1/me", headers=headers)
        assert response.status == 401 and await response.json() == UNAUTHENTICATED
    response = await api.post("/api/v1/auth/logout", headers=bearer("forged"))
    assert response.status == 401 and (await response.json())["error"]["code"] == "unauthenticated"


async def test_public_routes_stay_open(api: TestClient[Any, Any]) -> None:
    for path in ("/api/v1/openapi.json", "/api/v1/regions", "/api/v1/regions/330106", "/api/v1/tech-fields"):
        assert (await api.get(path)).status == 200, path
    document = await (await api.get("/api/v1/openapi.json")).json()
    assert {"/auth/password-login", "/auth/dingtalk-login", "/me"} <= set(document["paths"])
    assert document["paths"]["/auth/password-login"]["post"]["security"] == []
    assert "security" not in document["paths"]["/me"]["get"]  # the document-wide bearer requirement


async def test_password_login_reaches_me_until_logout(
    api: TestClient[Any, Any], container: Container, clock: ManualClock
) -> None:
    account_id = await make_account(container.uow())
    session = await _login(api)
    assert session["token_type"] == "Bearer" and session["must_change_password"] is False
    response = await api.get("/api/v1/me", headers=bearer(session["token"]))
    assert response.status == 200
    me = await response.json()
    assert me["account"] == {"id": account_id, "name": "张三", "mobile": "13800000004", "status": "active"}
    assert [r["role"] for r in me["roles"]] == ["staff"] and me["session_kind"] == "micro_app"
    assert (await api.post("/api/v1/auth/logout", headers=bearer(session["token"]))).status == 204
    assert (await api.get("/api/v1/me", headers=bearer(session["token"]))).status == 401


async def test_an_expired_token_is_refused(api: TestClient[Any, Any], container: Container, clock: ManualClock) -> None:
    await make_account(container.uow())
    session = await _login(api)
    clock.advance(7 * 86400 + 1)
    response = await api.get("/api/v1/me", headers=bearer(session["token"]))
    assert response.status == 401
    assert (await response.json())["error"] == {"code": "unauthenticated", "message": "登录已失效，请重新登录"}


async def test_wrong_password_and_lockout_over_rest(api: TestClient[Any, Any], container: Container) -> None:
    await make_account(container.uow())
    for expected in (401, 401, 401, 401, 429):
        response = await api.post("/api/v1/auth/password-login", json={"mobile": "13800000004", "password": "x1"})
        assert response.status == expected
    assert (await response.json())["error"]["message"] == "登录失败次数过多，请15分钟后再试"
    bad = await api.post("/api/v1/auth/password-login", data=b"not json")
    assert bad.status == 422 and (await bad.json())["error"]["code"] == "invalid_json"


async def test_a_forced_change_over_rest(api: TestClient[Any, Any], container: Container) -> None:
    await make_account(container.uow(), must_change=True)
    session = await _login(api)
    assert session["must_change_password"] is True
    me = await (await api.get("/api/v1/me", headers=bearer(session["token"]))).json()
    assert me["must_change_password"] is True
    weak = await api.post(
        "/api/v1/auth/password",
        headers=bearer(session["token"]),
        json={"old_password": PASSWORD, "new_password": "short"},
    )
    assert weak.status == 422
    done = await api.post(
        "/api/v1/auth/password",
        headers=bearer(session["token"]),
        json={"old_password": PASSWORD, "new_password": "wode2026mima"},
    )
    assert done.status == 204
    me = await (await api.get("/api/v1/me", headers=bearer(session["token"]))).json()
    assert me["must_change_password"] is False


async def test_sms_code_and_login_over_rest(
    api: TestClient[Any, Any], container: Container, clock: ManualClock
) -> None:
    await make_account(container.uow())
    sent = await api.post("/api/v1/auth/sms-codes", json={"mobile": "13800000004", "purpose": "login"})
    assert sent.status == 202
    clock.advance(20)
    again = await api.post("/api/v1/auth/sms-codes", json={"mobile": "13800000004"})
    assert again.status == 429 and again.headers["Retry-After"] == "40"
    assert (await again.json())["error"] == {
        "code": "sms_too_frequent",
        "message": "验证码发送过于频繁，请40秒后再试",
        "retry_after": 40,
    }
    stranger = await api.post("/api/v1/auth/sms-codes", json={"mobile": "13900009999"})
    assert stranger.status == 202  # the same answer for a number without an account
    [code] = await sms_sent(container, "13800000004")
    session = await (await api.post("/api/v1/auth/sms-login", json={"mobile": "13800000004", "code": code})).json()
    assert (await api.get("/api/v1/me", headers=bearer(session["token"]))).status == 200
    reused = await api.post("/api/v1/auth/sms-login", json={"mobile": "13800000004", "code": code})
    assert reused.status == 401 and (await reused.json())["error"]["code"] == "invalid_sms_code"


async def _login_free_code(api: TestClient[Any, Any], world: DingTalkWorld, userid: str) -> str:  # noqa: F811
    async with api.session.post(f"{world.base_url}/_fake/authcodes", json={"userId": userid}) as response:
        code: str = (await response.json())["code"]
    return code


async def test_dingtalk_login_free_end_to_end(
    api: TestClient[Any, Any],
    container: Container,
    world: DingTalkWorld,  # noqa: F811
) -> None:
    account_id = await make_account(container.uow(), password=None)  # 张三, dt-zhang in the sandbox directory
    code = await _login_free_code(api, world, "dt-zhang")
    response = await api.post("/api/v1/auth/dingtalk-login", json={"authCode": code})
    assert response.status == 200, await response.text()
    session = await response.json()
    assert session["account_id"] == account_id and session["kind"] == "micro_app"
    me = await (await api.get("/api/v1/me", headers=bearer(session["token"]))).json()
    assert me["account"]["id"] == account_id
    # The code is one-shot at DingTalk.
    reused = await api.post("/api/v1/auth/dingtalk-login", json={"authCode": code})
    assert reused.status == 401 and (await reused.json())["error"]["code"] == "invalid_auth_code"
    # The second sign-in goes through the binding.
    second = await api.post(
        "/api/v1/auth/dingtalk-login", json={"authCode": await _login_free_code(api, world, "dt-zhang")}
    )
    assert (await second.json())["account_id"] == account_id


async def test_dingtalk_login_can_bring_the_workbench_home_with_it(
    api: TestClient[Any, Any],
    container: Container,
    world: DingTalkWorld,  # noqa: F811
) -> None:
    # The micro-app opens in one round trip: the session, who I am and my counts, as the two GETs answer them.
    await make_account(container.uow(), password=None)
    code = await _login_free_code(api, world, "dt-zhang")
    response = await api.post("/api/v1/auth/dingtalk-login", json={"authCode": code, "workbench": True})
    assert response.status == 200, await response.text()
    session = await response.json()
    headers = bearer(session["token"])
    assert session["me"] == await (await api.get("/api/v1/me", headers=headers)).json()
    assert session["workbench"] == await (await api.get("/api/v1/workbench", headers=headers)).json()
    assert session["me"]["account"]["name"] == "张三" and session["workbench"]["points"] == 0
    # Without it, the session alone, as before.
    plain = await api.post(
        "/api/v1/auth/dingtalk-login", json={"authCode": await _login_free_code(api, world, "dt-zhang")}
    )
    assert "me" not in await plain.json() and "workbench" not in await plain.json()
    odd = await api.post(
        "/api/v1/auth/dingtalk-login",
        json={"authCode": await _login_free_code(api, world, "dt-zhang"), "workbench": "yes"},
    )
    assert odd.status == 422


async def test_dingtalk_login_brings_no_counts_while_a_password_change_is_due(
    api: TestClient[Any, Any],
    container: Container,
    world: DingTalkWorld,  # noqa: F811
) -> None:
    # As GET /workbench refuses then: the page asks for the new password first, and who I am says so.
    await make_account(container.uow(), must_change=True)
    code = await _login_free_code(api, world, "dt-zhang")
    response = await api.post("/api/v1/auth/dingtalk-login", json={"authCode": code, "workbench": True})
    assert response.status == 200, await response.text()
    session = await response.json()
    assert session["workbench"] is None and session["me"]["must_change_password"] is True
    headers = bearer(session["token"])
    assert session["me"] == await (await api.get("/api/v1/me", headers=headers)).json()
    refused = await api.get("/api/v1/workbench", headers=headers)
    assert refused.status == 403 and (await refused.json())["error"]["code"] == "password_change_required"


async def test_dingtalk_member_without_an_account(
    api: TestClient[Any, Any],
    world: DingTalkWorld,  # noqa: F811
) -> None:
    code = await _login_free_code(api, world, "dt-li")
    response = await api.post("/api/v1/auth/dingtalk-login", json={"authCode": code})
    assert response.status == 404
    assert await response.json() == {"error": {"code": "account_not_found", "message": "未找到您的账号，请联系管理员"}}


async def test_mini_program_login_without_a_mini_program_is_unavailable(api: TestClient[Any, Any]) -> None:
    response = await api.post("/api/v1/auth/mini-program-login", json={"code": "abc"})
    assert response.status == 503 and (await response.json())["error"]["code"] == "mini_program_not_configured"


async def test_a_new_route_is_private_and_waits_for_a_forced_change(container: Container) -> None:
    async def demands(_request: web.Request) -> web.Response:
        return web.json_response({"items": []})

    api_app = create_api_app()
    api_app.router.add_get("/demands", demands)  # a route added later, with no thought for sign-in
    app = web.Application(middlewares=[error_middleware])
    app[container_key] = container
    app.add_subapp("/api/v1/", api_app)
    await make_account(container.uow(), must_change=True)
    async with TestClient(TestServer(app)) as client:
        assert (await client.get("/api/v1/demands")).status == 401
        session = await _login(client)
        blocked = await client.get("/api/v1/demands", headers=bearer(session["token"]))
        assert blocked.status == 403
        assert (await blocked.json())["error"] == {"code": "password_change_required", "message": "请先修改初始密码"}
        changed = await client.post(
            "/api/v1/auth/password",
            headers=bearer(session["token"]),
            json={"old_password": PASSWORD, "new_password": "wode2026mima"},
        )
        assert changed.status == 204
        assert (await client.get("/api/v1/demands", headers=bearer(session["token"]))).status == 200
