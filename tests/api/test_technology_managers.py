"""Over HTTP: an invitation code makes a technology manager of the institution (seen in /me, scoped to its page,
listed for its admin), officials and other roles it is not meant for are refused with a clear error; and an
institution's minimum fee ratio below the platform floor is refused naming the floor."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from handlers.invitations.create_invitation_code import CreateInvitationCode, create_invitation_code
from handlers.officials.create_official import CreateOfficial, create_official
from tests.api.conftest import World, bearer, build_institution
from tests.organisation.conftest import Org, snapshot
from tests.policies import MEMBERSHIP


async def test_a_code_makes_a_technology_manager_and_refuses_an_official(api: TestClient[Any, Any], org: Org) -> None:
    world = World(org)
    x = await build_institution(
        org, 1, region="330106", enterprise_name="杭州云栖智能传感科技有限公司", phone_prefix="1371111"
    )
    y = await build_institution(
        org, 2, region="330102", enterprise_name="杭州钱塘半导体装备有限公司", phone_prefix="1372222"
    )
    code = (
        await create_invitation_code(
            CreateInvitationCode(x.admin, x.id, org.container.clock.now() + timedelta(days=7), 5), org.uow
        )
    ).code
    official = await create_official(
        CreateOfficial(org.admin_id, "赵局长", "13755550009", "330106"), org.uow, org.regions, membership=MEMBERSHIP
    )
    manager = await world.account("钱经理", "13755550001")
    tokens = {
        "official": await world.token(official.account_id),
        "manager": await world.token(manager),
        "admin": await world.token(x.admin),
    }

    async def call(method: str, path: str, who: str, body: Any = None) -> tuple[int, Any]:
        response = await api.request(method, "/api/v1" + path, json=body, headers=bearer(tokens[who]))
        return response.status, await response.json()

    before = await snapshot(org.container)
    assert await call("POST", "/invitation-codes/redeem", "official", {"code": code}) == (
        403,
        {
            "error": {
                "code": "invitation_not_for_role",
                "message": "邀请码供技术经理人绑定所在机构使用，科技管理人员不能使用",
            }
        },
    )
    assert await snapshot(org.container) == before

    status, redeemed = await call("POST", "/invitation-codes/redeem", "manager", {"code": code})
    assert status == 200 and redeemed["institution_id"] == x.id and redeemed["first_time"] is True
    status, me = await call("GET", "/me", "manager")
    assert status == 200 and [(r["role"], r["institution_id"]) for r in me["roles"]] == [("technology_manager", x.id)]
    status, listed = await call("GET", "/institutions", "manager")
    assert status == 200 and [i["institution_id"] for i in listed["items"]] == [x.id]
    assert (await call("GET", f"/institutions/{y.id}", "manager"))[0] == 404
    status, managers = await call("GET", f"/institutions/{x.id}/technology-managers", "admin")
    assert status == 200 and [(m["account_id"], m["name"], m["invitation_code"]) for m in managers["items"]] == [
        (manager, "钱经理", code)
    ]


async def test_a_minimum_fee_ratio_below_the_floor_is_refused_over_http(api: TestClient[Any, Any], org: Org) -> None:
    world = World(org)
    x = await build_institution(
        org, 1, region="330106", enterprise_name="杭州云栖智能传感科技有限公司", phone_prefix="1371111"
    )
    admin = await world.token(x.admin)
    before = await snapshot(org.container)
    response = await api.patch(f"/api/v1/institutions/{x.id}", json={"min_fee_ratio_bp": 300}, headers=bearer(admin))
    assert response.status == 422
    assert await response.json() == {
        "error": {
            "code": "min_fee_ratio_below_floor",
            "message": "最低中介服务费比例不能低于平台下限5%",
            "field": "min_fee_ratio_bp",
        }
    }
    assert await snapshot(org.container) == before
    response = await api.patch(f"/api/v1/institutions/{x.id}", json={"min_fee_ratio_bp": 600}, headers=bearer(admin))
    assert response.status == 200 and (await response.json())["changed"] == ["min_fee_ratio_bp"]
