"""Self-registration by phone and SMS code (seed 000): a new number gets an account; a number that has one —
however it was made — signs into it; the code's flow control and wrong-try burning are those of sign-in."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from bot.bootstrap import Container
from handlers.clock import ManualClock
from store.models.organisation import Account, AccountStatus, Role
from tests.api.conftest import bearer
from tests.auth.conftest import make_account, sms_sent
from tests.registration.conftest import register

NEW = "13700000001"


async def accounts_with(container: Container, mobile: str) -> int:
    async with container.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Account).where(Account.mobile == mobile)) or 0)


async def me(api: TestClient[Any, Any], token: str) -> Any:
    response = await api.get("/api/v1/me", headers=bearer(token))
    assert response.status == 200, await response.text()
    return await response.json()


async def test_a_new_number_registers_and_is_signed_in(
    api: TestClient[Any, Any], container: Container, clock: ManualClock
) -> None:
    session = await register(api, container, NEW, "李四")
    assert session["created"] is True and session["bound"] is True
    person = await me(api, session["token"])
    assert person["account"] == {"id": session["account_id"], "name": "李四", "mobile": NEW, "status": "active"}
    assert person["roles"] == []

    # Registering again from another phone: the same account, signed in, its name kept.
    clock.advance(61)
    again = await register(api, container, NEW, "别的名字")
    assert again["created"] is False and again["account_id"] == session["account_id"]
    assert (await me(api, again["token"]))["account"]["name"] == "李四"
    assert await accounts_with(container, NEW) == 1


async def test_a_number_with_an_account_made_by_an_admin_signs_into_it(
    api: TestClient[Any, Any], container: Container, clock: ManualClock
) -> None:
    staff = await make_account(container.uow(), "13800000004", name="张三", role=Role.STAFF)
    session = await register(api, container, "13800000004", "张三丰")
    assert session["created"] is False and session["account_id"] == staff
    person = await me(api, session["token"])
    assert person["account"]["name"] == "张三" and [r["role"] for r in person["roles"]] == ["staff"]
    assert await accounts_with(container, "13800000004") == 1
    # A sign-in code works the same for that person afterwards: one account, however they arrived.
    clock.advance(61)
    asked = await api.post("/api/v1/auth/sms-codes", json={"mobile": "13800000004"})
    assert asked.status == 202
    code = (await sms_sent(container, "13800000004"))[-1]
    login = await api.post("/api/v1/auth/sms-login", json={"mobile": "13800000004", "code": code})
    assert (await login.json())["account_id"] == staff


async def test_a_sign_in_code_does_not_register_and_only_a_registration_code_reaches_a_new_number(
    api: TestClient[Any, Any], container: Container, clock: ManualClock
) -> None:
    asked = await api.post("/api/v1/auth/sms-codes", json={"mobile": NEW, "purpose": "login"})
    assert asked.status == 202
    assert await sms_sent(container, NEW) == []  # sign-in codes go only to numbers with an account
    clock.advance(61)
    asked = await api.post("/api/v1/auth/sms-codes", json={"mobile": NEW, "purpose": "register"})
    assert asked.status == 202
    [code] = await sms_sent(container, NEW)
    # The code of one purpose does not serve another.
    login = await api.post("/api/v1/auth/sms-login", json={"mobile": NEW, "code": code})
    assert login.status == 401
    ok = await api.post("/api/v1/auth/register", json={"mobile": NEW, "code": code, "name": "王五"})
    assert ok.status == 201, await ok.text()


async def test_wrong_codes_missing_names_and_flow_control(
    api: TestClient[Any, Any], container: Container, clock: ManualClock
) -> None:
    asked = await api.post("/api/v1/auth/sms-codes", json={"mobile": NEW, "purpose": "register"})
    assert asked.status == 202
    # The provider's window: a second code within the minute is refused with the time to wait.
    too_soon = await api.post("/api/v1/auth/sms-codes", json={"mobile": NEW, "purpose": "register"})
    assert too_soon.status == 429
    assert (await too_soon.json())["error"]["code"] == "sms_too_frequent"
    [code] = await sms_sent(container, NEW)
    wrong = "000000" if code != "000000" else "111111"

    unnamed = await api.post("/api/v1/auth/register", json={"mobile": NEW, "code": code})
    assert unnamed.status == 422
    assert (await unnamed.json())["error"]["code"] == "missing_field"
    bad = await api.post("/api/v1/auth/register", json={"mobile": NEW, "code": wrong, "name": "王五"})
    assert bad.status == 401 and (await bad.json())["error"]["code"] == "invalid_sms_code"
    assert await accounts_with(container, NEW) == 0
    # Neither cost the code its use (a wrong try counts towards burning it, as at sign-in).
    ok = await api.post("/api/v1/auth/register", json={"mobile": NEW, "code": code, "name": "王五"})
    assert ok.status == 201, await ok.text()
    spent = await api.post("/api/v1/auth/register", json={"mobile": NEW, "code": code, "name": "王五"})
    assert spent.status == 401

    # Five wrong tries burn a code.
    clock.advance(61)
    await api.post("/api/v1/auth/sms-codes", json={"mobile": "13700000002", "purpose": "register"})
    [code2] = await sms_sent(container, "13700000002")
    wrong2 = "000000" if code2 != "000000" else "111111"
    for _ in range(5):
        await api.post("/api/v1/auth/register", json={"mobile": "13700000002", "code": wrong2, "name": "赵六"})
    burnt = await api.post("/api/v1/auth/register", json={"mobile": "13700000002", "code": code2, "name": "赵六"})
    assert burnt.status == 401
    assert await accounts_with(container, "13700000002") == 0


async def test_a_disabled_account_is_neither_texted_nor_registered(
    api: TestClient[Any, Any], container: Container
) -> None:
    await make_account(container.uow(), "13800000009", status=AccountStatus.DISABLED)
    asked = await api.post("/api/v1/auth/sms-codes", json={"mobile": "13800000009", "purpose": "register"})
    assert asked.status == 202  # the same answer as for anyone
    assert await sms_sent(container, "13800000009") == []
    refused = await api.post("/api/v1/auth/register", json={"mobile": "13800000009", "code": "123456", "name": "X"})
    assert refused.status == 403 and (await refused.json())["error"]["code"] == "account_disabled"
