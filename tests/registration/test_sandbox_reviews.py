"""Issue 17's other reviews end to end through the sandbox DingTalk: every decision is pressed on the reviewer's
card on their console phone and reaches us through our Stream runner connected to the sandbox gateway.

- Unit certification: the platform's system admin presses 通过 and the organisation is certified, its credit code
  fixed from then on.
- A technology manager registers with the institution's invitation code → the institution's admin presses 通过 on
  the 机构审核 card → the city official presses 通过 on the 市级审核 card: the manager is registered. Deleting the
  approved manager goes to the platform, whose 通过 on its card unbinds them.

(The institution's registration and change: test_sandbox_journey.py; the annual update: test_sandbox_update.py.)"""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from bot.bootstrap import Container
from bot.dingtalk.stream import StreamRunner
from handlers.clock import ManualClock
from sandbox.state import InboxItem
from store.models.auth import DingTalkBinding
from tests.api.conftest import bearer
from tests.demands.test_sandbox_acceptance import button, drain_dingtalk, press
from tests.dingtalk.conftest import DingTalkWorld, world  # noqa: F401  (the sandbox DingTalk)
from tests.dingtalk.sandbox_flow import api, on_phone, phone, settings, stream  # noqa: F401  (fixtures)
from tests.organisation.conftest import Org
from tests.registration.conftest import register, upload_licence
from tests.registration.manager_values import valid_form
from tests.registration.test_manager_flow import Bench

NAME, CODE, LEGAL = "杭州西溪新材料有限公司", "91330106MAXG0TEQ2A", "王海燕"  # the sandbox registry's
PLATFORM_MOBILE, INSTITUTION_MOBILE, CITY_MOBILE = "13900000000", "13800000001", "13744440002"


def cards(world: DingTalkWorld, mobile: str, chain: str) -> list[InboxItem]:  # noqa: F811
    return [i for i in phone(world, mobile, "dingtalk.card") if i.title.startswith(chain + "：")]


async def test_the_platform_certifies_an_organisation_on_its_card(
    org: Org,
    container: Container,
    world: DingTalkWorld,  # noqa: F811
    stream: StreamRunner,  # noqa: F811
    api: TestClient[Any, Any],  # noqa: F811
    clock: ManualClock,
) -> None:
    on_phone(world, "平台管理员", "系统管理员", PLATFORM_MOBILE, "dt-platform")
    async with container.uow() as uow:
        uow.session.add(DingTalkBinding(account_id=org.admin_id, userid="dt-platform", created_at=uow.clock.now()))
        await uow.commit()
    token = (await register(api, container, "13700000011", "王海燕"))["token"]

    async def mine() -> Any:
        response = await api.get("/api/v1/certification", headers=bearer(token))
        assert response.status == 200, await response.text()
        return (await response.json())["certification"]

    licence = await upload_licence(api, token)
    values = {"name": NAME, "credit_code": CODE, "legal_representative": LEGAL, "licence_file_id": licence}
    response = await api.post("/api/v1/certification", json=values, headers=bearer(token))
    assert response.status == 201, await response.text()
    await drain_dingtalk(container, clock)
    [card] = cards(world, PLATFORM_MOBILE, "单位认证")
    assert card.title == f"单位认证：{NAME}"
    assert [a["label"] for a in card.actions] == ["通过", "驳回", "退回修改", "查看详情"]
    assert CODE in card.body
    assert (await mine())["status"] == "pending"

    answer = await press(api, world, button(card, "通过"))
    assert answer["card"]["cardParamMap"]["status"] == "已由系统管理员通过"
    certified = await mine()
    assert certified["status"] == "certified" and certified["certified"]["credit_code"] == CODE

    # Certified: no route takes another credit code.
    other = {**values, "credit_code": "91110108MA01234567", "legal_representative": "李新"}
    response = await api.post("/api/v1/certification", json=other, headers=bearer(token))
    assert response.status in (409, 422) and (await mine())["certified"]["credit_code"] == CODE


async def test_a_manager_is_approved_by_the_institution_then_the_city_and_deleted_by_the_platform_on_cards(
    org: Org,
    container: Container,
    world: DingTalkWorld,  # noqa: F811
    stream: StreamRunner,  # noqa: F811
    api: TestClient[Any, Any],  # noqa: F811
    clock: ManualClock,
) -> None:
    on_phone(world, "机构管理员", "林管理", INSTITUTION_MOBILE, "dt-inst")
    on_phone(world, "科技管理人员", "钱处长", CITY_MOBILE, "dt-city")
    on_phone(world, "平台管理员", "系统管理员", PLATFORM_MOBILE, "dt-platform")
    b = Bench(api, org)
    await b.setup()  # binds dt-inst, dt-city and dt-platform; the institution's invitation code
    token = (await register(api, container, "13700000051", "赵经理"))["token"]

    # Registered with the code: the institution's admin has the 机构审核 card.
    status, view = await b.call(
        "POST", "/technology-manager/registration", token, json=valid_form(invitation_code=b.code)
    )
    assert status == 201, view
    await drain_dingtalk(container, clock)
    [institution_card] = cards(world, INSTITUTION_MOBILE, "技术经理人登记")
    assert institution_card.title == "技术经理人登记：赵经理"
    assert [a["label"] for a in institution_card.actions] == ["通过", "驳回", "退回修改", "查看详情"]
    assert cards(world, CITY_MOBILE, "技术经理人登记") == []

    # A rejection needs a reason: pressed without one, nothing is decided.
    await press(api, world, button(institution_card, "驳回"))
    assert (await b.mine(token))["stage"] == "机构审核"
    answer = await press(api, world, button(institution_card, "通过"))
    assert answer["card"]["cardParamMap"]["status"] == "已由林管理通过"
    assert (await b.mine(token))["stage"] == "市级审核"

    # The city's card, pressed 通过: the manager is registered.
    await drain_dingtalk(container, clock)
    [city_card] = cards(world, CITY_MOBILE, "技术经理人登记")
    await press(api, world, button(city_card, "通过"))
    approved = await b.mine(token)
    assert approved["status"] == "approved" and approved["institution_id"] == b.institution
    assert [m["id"] for m in await b.review_list("review")] == [view["id"]]

    # Deleting an approved manager needs the platform: its card, pressed 通过, unbinds them.
    status, pending = await b.call("DELETE", f"/technology-managers/{view['id']}", b.inst_token)
    assert status == 202 and pending == {"deleted": False, "deletion_pending": True}
    await drain_dingtalk(container, clock)
    [deletion_card] = cards(world, PLATFORM_MOBILE, "技术经理人删除")
    assert (await b.mine(token))["institution_id"] == b.institution  # bound until the platform decides
    await press(api, world, button(deletion_card, "通过"))
    unbound = await b.mine(token)
    assert unbound["status"] == "approved" and unbound["institution_id"] is None and unbound["bound"] is False
    assert await b.review_list("review") == []
