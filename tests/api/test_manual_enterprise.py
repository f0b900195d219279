"""Going live without a business registry: the page is told, an institution enters an enterprise by hand
(未核验), corrects it, and records a demand for it, all through the REST API of a production-mode app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import Container
from bot.web import create_web_app
from handlers.institutions.create_centre import CreateCentre, create_centre
from handlers.staff.add_staff import AddStaff, add_staff
from tests.api.conftest import World, bearer, credit_code
from tests.api.demand_world import body as demand_body
from tests.organisation.conftest import Org
from tests.policies import MEMBERSHIP

ENTERPRISE = {
    "full_name": "杭州良渚智造科技有限公司",
    "credit_code": credit_code(4242),
    "region_code": "330110",
    "address": "浙江省杭州市余杭区良渚街道1号",
    "legal_representative": "沈良",
}


@pytest.fixture
async def production(container: Container) -> AsyncIterator[TestClient[Any, Any]]:
    # The container as `kezhuan serve` builds it from default settings: no sandbox, no registry provider.
    assert not container.settings.sandbox and container.settings.registry.provider == ""
    assert container.registry is None
    async with TestClient(TestServer(create_web_app(container))) as client:
        yield client


async def _staff(org: Org) -> tuple[int, str, str]:
    institution, admin = await org.institution()
    centre = await create_centre(CreateCentre(admin, institution, "余杭分中心", "330110"), org.uow, org.regions)
    staff = await add_staff(
        AddStaff(admin, centre.centre_id, "周技转", "13611110002", "技术经理"), org.uow, membership=MEMBERSHIP
    )
    world = World(org)
    return institution, await world.token(staff.account_id), await world.token(admin)


async def test_an_institution_enters_an_enterprise_by_hand_and_records_a_demand_for_it(
    production: TestClient[Any, Any], org: Org
) -> None:
    institution, staff, admin = await _staff(org)
    api = "/api/v1"

    status = await production.get(f"{api}/enterprise-registry", headers=bearer(staff))
    assert status.status == 200
    told = await status.json()
    assert (told["configured"], told["manual_entry"]) == (False, True)
    assert "手工录入" in told["message"]

    lookup = await production.post(
        f"{api}/institutions/{institution}/enterprises",
        headers=bearer(staff),
        json={"full_name": ENTERPRISE["full_name"]},
    )
    assert lookup.status == 503
    refused = (await lookup.json())["error"]
    assert refused["code"] == "registry_unavailable" and "手工录入" in refused["message"]

    bad = await production.post(
        f"{api}/institutions/{institution}/enterprises/manual",
        headers=bearer(staff),
        json={**ENTERPRISE, "credit_code": ENTERPRISE["credit_code"][:-1] + "0"},
    )
    assert bad.status == 422
    assert (await bad.json())["error"] == {
        "code": "credit_code_check",
        "message": "统一社会信用代码校验位不正确，请核对",
        "field": "credit_code",
    }

    entered = await production.post(
        f"{api}/institutions/{institution}/enterprises/manual", headers=bearer(staff), json=ENTERPRISE
    )
    assert entered.status == 201
    added = await entered.json()
    assert (added["new_enterprise"], added["verification"]) == (True, "unverified")
    enterprise = added["enterprise_id"]

    page = await (await production.get(f"{api}/enterprises/{enterprise}", headers=bearer(admin))).json()
    assert (page["verification_label"], page["editable"], page["registered_capital_fen"]) == ("未核验", True, None)
    assert (page["name"], page["legal_representative"]) == ("杭州良渚智造科技有限公司", "沈良")

    fixed = await production.patch(
        f"{api}/enterprises/{enterprise}", headers=bearer(admin), json={"legal_representative": "沈良才"}
    )
    assert fixed.status == 200 and (await fixed.json())["changed"] == ["legal_representative"]

    demand = await production.post(f"{api}/demands", headers=bearer(staff), **demand_body(enterprise))
    assert demand.status == 201, await demand.text()
    demand_id = (await demand.json())["demand_id"]
    shown = await (await production.get(f"{api}/demands/{demand_id}", headers=bearer(staff))).json()
    assert shown["enterprise_id"] == enterprise

    listed = await (await production.get(f"{api}/enterprises", headers=bearer(staff))).json()
    assert [(e["name"], e["verification_label"]) for e in listed["items"]] == [("杭州良渚智造科技有限公司", "未核验")]

    verify = await production.post(f"{api}/enterprises/{enterprise}/verify", headers=bearer(admin))
    assert verify.status == 503 and (await verify.json())["error"]["code"] == "registry_unavailable"
    assert "Retry-After" not in verify.headers  # waiting does not bring a registry


async def test_each_missing_field_is_named(production: TestClient[Any, Any], org: Org) -> None:
    institution, staff, _admin = await _staff(org)
    for field, value, code in (
        ("full_name", "", "missing_field"),
        ("address", " ", "missing_field"),
        ("legal_representative", "", "missing_field"),
        ("region_code", "339999", "invalid_region"),
        ("credit_code", "91339906MA00000011", "credit_code_check"),
    ):
        answer = await production.post(
            f"/api/v1/institutions/{institution}/enterprises/manual",
            headers=bearer(staff),
            json={**ENTERPRISE, field: value},
        )
        error = (await answer.json())["error"]
        assert (answer.status, error["code"], error["field"]) == (422, code, field), field
