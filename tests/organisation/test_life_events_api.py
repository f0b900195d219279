"""The changes-of-life routes over HTTP: what a centre admin and a staff member do from their phones."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.bootstrap import Container
from bot.settings import Settings
from bot.web import create_web_app
from handlers.auth.change_password import ChangePassword, change_password
from handlers.auth.set_initial_password import SetInitialPassword, set_initial_password
from sandbox.sms.app import SmsSandboxState
from store.models.organisation import Account
from tests.auth.conftest import sms_sent
from tests.organisation.conftest import Org, snapshot
from tests.organisation.test_life_events import START, _centre

PASSWORD = "wode2026mima"


@pytest.fixture
async def api(container: Container) -> AsyncIterator[TestClient[Any, Any]]:
    async with TestClient(TestServer(create_web_app(container))) as client:
        yield client


async def _token(org: Org, api: TestClient[Any, Any], account: int, mobile: str) -> dict[str, str]:
    await set_initial_password(SetInitialPassword(org.admin_id, account, START), org.uow)
    await change_password(ChangePassword(account, START, PASSWORD), org.uow)
    response = await api.post("/api/v1/auth/password-login", json={"mobile": mobile, "password": PASSWORD})
    assert response.status == 200, await response.text()
    return {"Authorization": f"Bearer {(await response.json())['token']}"}


async def test_a_centre_admin_records_a_departure_from_the_phone(org: Org, api: TestClient[Any, Any]) -> None:
    c = await _centre(org)
    boss = await _token(org, api, c.boss, "13600000001")
    wang = await _token(org, api, c.wang, "13600000002")
    url = f"/api/v1/staff/{c.wang_member}/departure"

    before = await snapshot(org.container)
    for body, status, code in (
        ({"successor_staff_member_id": "x", "reason": ""}, 422, "invalid_field"),
        ({"successor_staff_member_id": c.wang_member, "reason": ""}, 422, "invalid_successor"),
        ([], 422, "invalid_json"),
    ):
        response = await api.post(url, json=body, headers=boss)
        assert (response.status, (await response.json())["error"]["code"]) == (status, code)
    response = await api.post(f"/api/v1/staff/{c.li_member}/departure", json={"reason": "x"}, headers=wang)
    assert response.status == 403  # a colleague is no admin
    assert await snapshot(org.container) == before

    response = await api.post(url, json={"successor_staff_member_id": c.li_member, "reason": "调岗"}, headers=boss)
    assert response.status == 200
    assert await response.json() == {"account_id": c.wang, "successor_account_id": c.li, "account_disabled": True}
    response = await api.get("/api/v1/me", headers=wang)
    assert response.status == 401  # the leaver's phone is signed out at once


async def test_a_person_changes_their_number_from_the_phone(org: Org, api: TestClient[Any, Any]) -> None:
    c = await _centre(org)
    wang = await _token(org, api, c.wang, "13600000002")
    response = await api.post("/api/v1/me/mobile-codes", json={"mobile": "13600000003"}, headers=wang)
    body = await response.json()
    assert response.status == 409 and body["error"] == {
        "code": "mobile_taken",
        "message": "该手机号码已被其他账号使用，请联系管理员",
    }
    assert (await api.post("/api/v1/me/mobile-codes", json={"mobile": "13700000099"}, headers=wang)).status == 202
    again = await api.post("/api/v1/me/mobile-codes", json={"mobile": "13700000099"}, headers=wang)
    assert again.status == 429  # one a minute
    code = (await sms_sent(org.container, "13700000099"))[-1]
    response = await api.post("/api/v1/me/mobile", json={"mobile": "13700000099", "code": code}, headers=wang)
    assert response.status == 204
    me = await (await api.get("/api/v1/me", headers=wang)).json()
    assert me["account"]["mobile"] == "13700000099"
    async with org.container.sessionmaker() as s:
        assert (await s.get_one(Account, c.wang)).mobile == "13700000099"


async def test_an_institution_admin_sets_a_starting_password_and_corrects_a_number(
    org: Org, api: TestClient[Any, Any]
) -> None:
    c = await _centre(org)
    admin = await _token(org, api, c.admin, "13800000001")
    response = await api.post(f"/api/v1/accounts/{c.wang}/initial-password", json={"password": "short"}, headers=admin)
    assert (response.status, (await response.json())["error"]["code"]) == (422, "weak_password")
    response = await api.post(f"/api/v1/accounts/{c.wang}/initial-password", json={"password": START}, headers=admin)
    assert response.status == 204
    login = await api.post("/api/v1/auth/password-login", json={"mobile": "13600000002", "password": START})
    assert (await login.json())["must_change_password"] is True
    response = await api.post(
        f"/api/v1/accounts/{org.admin_id}/mobile", json={"mobile": "13700000098", "reason": "换号"}, headers=admin
    )
    assert response.status == 403
    response = await api.post(
        f"/api/v1/accounts/{c.wang}/mobile", json={"mobile": "13700000098", "reason": "换号"}, headers=admin
    )
    assert response.status == 204
    async with org.container.sessionmaker() as s:
        assert await s.scalar(select(Account.mobile).where(Account.id == c.wang)) == "13700000098"


def test_the_sandbox_sms_provider_knows_every_code_template_we_send() -> None:
    auth = Settings().auth
    named = {auth.sms_login_template, auth.sms_reset_template, auth.sms_change_mobile_template}
    assert named <= set(SmsSandboxState().templates)
