"""The membership-invitation REST routes: who may list, revoke and resend, and what they get back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import Container
from bot.web import create_web_app
from handlers.auth.policy import AuthPolicy
from handlers.auth.sessions import issue_session
from store.models.auth import SessionKind
from tests.membership.conftest import Institution, invitations_of
from tests.policies import MEMBERSHIP


@pytest.fixture
async def api(container: Container) -> AsyncIterator[TestClient[Any, Any]]:
    async with TestClient(TestServer(create_web_app(container))) as client:
        yield client


async def bearer(container: Container, policy: AuthPolicy, account_id: int) -> dict[str, str]:
    async with container.uow() as uow:
        issued = await issue_session(uow, policy, account_id, SessionKind.MICRO_APP)
        await uow.commit()
    return {"Authorization": f"Bearer {issued.token}"}


async def test_list_revoke_and_resend(
    api: TestClient[Any, Any], inst: Institution, container: Container, policy: AuthPolicy
) -> None:
    added = await inst.add_staff(membership=MEMBERSHIP)
    [invitation] = await invitations_of(container, added.account_id)
    admin = await bearer(container, policy, inst.admin_id)
    listed = await (await api.get("/api/v1/membership-invitations?status=pending", headers=admin)).json()
    assert [(i["name"], i["role"], i["status"], i["platform_state"]) for i in listed["items"]] == [
        ("孙丽", "staff", "pending", "queued"),
        ("林管理", "institution_admin", "pending", "queued"),
    ]
    assert listed["total"] == 2
    # The names the admin reads come with the codes (handlers/membership/labels.py).
    assert {(i["status_label"], i["platform_state_label"]) for i in listed["items"]} == {("待加入", "待发送")}

    url = f"/api/v1/membership-invitations/{invitation.id}"
    missing = await api.post(f"{url}/revoke", json={}, headers=admin)
    assert missing.status == 422 and (await missing.json())["error"]["message"] == "请填写撤销原因"
    assert (await api.post(f"{url}/revoke", json={"reason": "岗位调整"}, headers=admin)).status == 204
    again = await api.post(f"{url}/revoke", json={"reason": "岗位调整"}, headers=admin)
    assert again.status == 409 and (await again.json())["error"]["code"] == "invitation_not_pending"
    revoked = await (await api.get("/api/v1/membership-invitations?status=revoked", headers=admin)).json()
    assert [(i["id"], i["revoke_reason"], i["status_label"]) for i in revoked["items"]] == [
        (invitation.id, "岗位调整", "已撤销")
    ]

    resent = await api.post(f"{url}/resend", headers=admin)
    assert resent.status == 201
    new_id = (await resent.json())["invitation_id"]
    assert [i.id for i in await invitations_of(container, added.account_id)] == [invitation.id, new_id]
    bad = await api.get("/api/v1/membership-invitations?status=whatever", headers=admin)
    assert bad.status == 422 and (await bad.json())["error"]["code"] == "invalid_status"


async def test_who_may_use_the_routes(
    api: TestClient[Any, Any], inst: Institution, container: Container, policy: AuthPolicy
) -> None:
    added = await inst.add_staff(membership=MEMBERSHIP)
    [invitation] = await invitations_of(container, added.account_id)
    _, other_admin = await inst.org.institution("第二家机构", "52330106MJ8765432T", mobile="13800000020")
    system = await bearer(container, policy, inst.org.admin_id)
    staff = await bearer(container, policy, added.account_id)
    other = await bearer(container, policy, other_admin)
    everything = await (await api.get("/api/v1/membership-invitations", headers=system)).json()
    assert everything["total"] == 3
    assert (await api.get("/api/v1/membership-invitations", headers=staff)).status == 403
    assert (await api.get("/api/v1/membership-invitations")).status == 401
    theirs = await (await api.get("/api/v1/membership-invitations", headers=other)).json()
    assert [i["account_id"] for i in theirs["items"]] == [other_admin]
    # Another institution's invitation does not exist for them; staff may not act at all.
    url = f"/api/v1/membership-invitations/{invitation.id}"
    assert (await api.post(f"{url}/revoke", json={"reason": "x"}, headers=other)).status == 404
    assert (await api.post(f"{url}/revoke", json={"reason": "x"}, headers=staff)).status == 403
    assert (await api.post(f"{url}/resend", headers=staff)).status == 403
    assert (await api.post(f"{url}/revoke", json={"reason": "系统管理员撤销"}, headers=system)).status == 204
    document = await (await api.get("/api/v1/openapi.json")).json()
    assert {
        "/membership-invitations",
        "/membership-invitations/{invitation_id}/revoke",
        "/membership-invitations/{invitation_id}/resend",
    } <= set(document["paths"])
