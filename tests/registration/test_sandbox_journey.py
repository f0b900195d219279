"""Institution registration end to end through the sandbox DingTalk (issue 17's acceptance): the certified
organisation submits its registration; the city official presses 通过 on the review card, through our Stream
runner connected to the sandbox gateway, and the registration number is issued; a basic-information change shows
its difference on the next card, is pressed 驳回 with a reason (the record unchanged), edited and resubmitted, and
pressed 通过: the record takes the new values under the same number."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from bot.bootstrap import Container
from bot.dingtalk.stream import StreamRunner
from handlers.auth.sessions import issue_session
from handlers.clock import ManualClock
from sandbox.state import InboxItem
from store.models.auth import SessionKind
from tests.api.conftest import bearer
from tests.demands.test_sandbox_acceptance import button, drain_dingtalk, press
from tests.dingtalk.conftest import DingTalkWorld, world  # noqa: F401  (the sandbox DingTalk)
from tests.dingtalk.sandbox_flow import api, on_phone, phone, settings, stream  # noqa: F401  (fixtures)
from tests.organisation.conftest import Org
from tests.registration.institution_fixtures import CITY_USERID, certified_applicant, filled

CITY_MOBILE = "13722229001"  # the city official of institution_fixtures, bound as dt-city-hz


def review_cards(world: DingTalkWorld) -> list[InboxItem]:  # noqa: F811
    return [i for i in phone(world, CITY_MOBILE, "dingtalk.card") if i.title.startswith("技术转移机构登记")]


async def city_and_applicant(org: Org, container: Container, world: DingTalkWorld) -> dict[str, str]:  # noqa: F811
    """The city official on the sandbox's DingTalk, and the certified applicant's bearer headers."""
    on_phone(world, "city", "杭州市科技局审核员", CITY_MOBILE, CITY_USERID, title="科技管理人员")
    applicant = await certified_applicant(org, container)
    async with container.uow() as uow:
        token = (await issue_session(uow, container.auth_policy, applicant, SessionKind.WEB)).token
        await uow.commit()
    return bearer(token)


async def registration_of(api: TestClient[Any, Any], headers: dict[str, str]) -> Any:  # noqa: F811
    response = await api.get("/api/v1/institution-registration", headers=headers)
    assert response.status == 200, await response.text()
    return await response.json()


async def test_the_city_approves_a_registration_and_decides_a_change_on_its_cards(
    org: Org,
    container: Container,
    world: DingTalkWorld,  # noqa: F811
    stream: StreamRunner,  # noqa: F811
    api: TestClient[Any, Any],  # noqa: F811
    clock: ManualClock,
) -> None:
    headers = await city_and_applicant(org, container, world)

    async def mine() -> Any:
        return await registration_of(api, headers)

    # The registration is submitted; the city official's DingTalk shows the review card.
    response = await api.put("/api/v1/institution-registration", json={**filled(), "draft": False}, headers=headers)
    assert response.status == 200, await response.text()
    await drain_dingtalk(container, clock)
    [card] = review_cards(world)
    assert card.title == "技术转移机构登记：杭州西溪新材料有限公司"
    assert [a["label"] for a in card.actions] == ["通过", "驳回", "退回修改", "查看详情"]

    # 通过 through the Stream gateway: the number is issued in the approving transaction.
    answer = await press(api, world, button(card, "通过"))
    assert answer["card"]["cardParamMap"]["status"] == "已由杭州市科技局审核员通过"
    [record] = (await mine())["registrations"]
    assert record["status"] == "approved" and record["registration_number"] == "33010020260001"
    assert (await mine())["change"]["allowed"] is True

    # A change: its card lists what changes, old → new.
    changed = {**filled(), "staff_total": 25, "plan": "完善成果转化制度，建设专业化人才队伍，拓展国际合作。"}
    response = await api.put(
        "/api/v1/institution-registration/change", json={**changed, "draft": False}, headers=headers
    )
    assert response.status == 200, await response.text()
    await drain_dingtalk(container, clock)
    first, change_card = review_cards(world)
    assert first is card and change_card.title == "技术转移机构登记：杭州西溪新材料有限公司（基础信息变更）"
    assert "基础信息变更（登记号：33010020260001）" in change_card.body
    assert "总人数：20人 → 25人" in change_card.body and "发展规划：" in change_card.body

    # 驳回 with a reason on the card: the change is rejected, the record as it was.
    await press(api, world, button(change_card, "驳回"), reason="请说明人员增加的依据")
    assert "已由杭州市科技局审核员驳回" in change_card.body
    change_row, record = (await mine())["registrations"]
    assert (change_row["status"], change_row["reason"]) == ("rejected", "请说明人员增加的依据")
    assert record["values"]["staff_total"] == 20 and record["values"]["plan"] == filled()["plan"]

    # Edited and resubmitted; 通过 on the new card changes the record, which keeps its number.
    response = await api.put(
        "/api/v1/institution-registration/change", json={**changed, "staff_total": 24, "draft": False}, headers=headers
    )
    assert response.status == 200, await response.text()
    await drain_dingtalk(container, clock)
    *_, again = review_cards(world)
    assert again is not change_card and "总人数：20人 → 24人" in again.body
    await press(api, world, button(again, "通过"))
    change_row, record = (await mine())["registrations"]
    assert change_row["status"] == "approved" and change_row["changes_number"] == "33010020260001"
    assert record["values"]["staff_total"] == 24 and record["values"]["plan"] == changed["plan"]
    assert record["registration_number"] == "33010020260001"


async def test_a_registration_rejected_on_the_card_is_edited_resubmitted_and_approved(
    org: Org,
    container: Container,
    world: DingTalkWorld,  # noqa: F811
    stream: StreamRunner,  # noqa: F811
    api: TestClient[Any, Any],  # noqa: F811
    clock: ManualClock,
) -> None:
    headers = await city_and_applicant(org, container, world)
    response = await api.put("/api/v1/institution-registration", json={**filled(), "draft": False}, headers=headers)
    assert response.status == 200, await response.text()
    await drain_dingtalk(container, clock)
    [card] = review_cards(world)

    # 驳回 with a reason through the Stream gateway: no number, the reason shown (查看), the form editable again.
    await press(api, world, button(card, "驳回"), reason="典型案例不足两个，请补充")
    assert "已由杭州市科技局审核员驳回" in card.body
    [record] = (await registration_of(api, headers))["registrations"]
    assert (record["status"], record["reason"], record["registration_number"]) == (
        "rejected",
        "典型案例不足两个，请补充",
        None,
    )
    assert record["editable"] is True

    # Edited and resubmitted: a new card; 通过 on it issues the first number of the year.
    edited = {**filled(), "staff_total": 22}
    response = await api.put("/api/v1/institution-registration", json={**edited, "draft": False}, headers=headers)
    assert response.status == 200, await response.text()
    await drain_dingtalk(container, clock)
    first, again = review_cards(world)
    assert first is card and again is not card
    await press(api, world, button(again, "通过"))
    [record] = (await registration_of(api, headers))["registrations"]
    assert (record["status"], record["registration_number"]) == ("approved", "33010020260001")
    assert record["values"]["staff_total"] == 22
