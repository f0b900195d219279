"""Issue 7's docking, end to end through the sandbox relay, DingTalk and its Stream gateway: 对接该需求 → the
docking staff member's card with the expert's profile → 标记已沟通 pressed → a follow-up recorded, the card
updated → 取消对接 → the card says so. Docking twice is one docking; the timeline and follow-ups show it."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.bootstrap import Container
from bot.dingtalk.stream import StreamRunner
from handlers.clock import ManualClock
from sandbox.state import InboxItem
from store.models.organisation import StaffMember
from tests.api.conftest import bearer
from tests.demands.conftest import bind, outbox, timeline
from tests.demands.test_sandbox_acceptance import drain_dingtalk
from tests.dingtalk.conftest import DingTalkWorld, world  # noqa: F401  (the sandbox DingTalk)
from tests.dingtalk.sandbox_flow import api, phone, settings, stream  # noqa: F401  (fixtures)
from tests.expert_channel.conftest import EXPERT_MOBILE, approved, build_expert_world, token
from tests.organisation.conftest import Org
from tests.policies import DEMANDS, MEMBERSHIP

STAFF = "13800000004"  # 张三 (dt-zhang), a DingTalk member in the sandbox


async def press(api: TestClient[Any, Any], world: DingTalkWorld, item: InboxItem, label: str) -> Any:  # noqa: F811
    [action] = [a for a in item.actions if a["label"] == label]
    url = world.base_url + str(action["url"]).removeprefix("/dingtalk")
    async with api.session.post(url, json=action["body"]) as response:
        assert response.status == 200, await response.text()
        return await response.json()


def docking_cards(world: DingTalkWorld) -> list[InboxItem]:  # noqa: F811
    return [i for i in phone(world, STAFF, "dingtalk.card") if i.title.startswith("专家对接")]


async def test_dock_card_mark_communicated_cancel_and_dock_again(
    org: Org,
    container: Container,
    world: DingTalkWorld,
    stream: StreamRunner,  # noqa: F811
    api: TestClient[Any, Any],
    clock: ManualClock,  # noqa: F811
) -> None:
    w = await build_expert_world(org, staff_mobile=STAFF)
    await bind(container, w.a.staff_id, "dt-zhang")
    demand = await approved(w.a, title="MEMS压力传感器封装")
    await drain_dingtalk(container, clock)
    expert = bearer(await token(container, w.expert_account))
    staff = bearer(await token(container, w.a.staff_id))
    path = f"/api/v1/expert/demands/{demand}"

    # Before docking, the broker's number is not given.
    response = await api.get(f"{path}/broker", headers=expert)
    assert response.status == 409 and (await response.json())["error"]["code"] == "not_docked"

    # 对接该需求, twice: one docking, one card, one timeline step.
    first = await (await api.post(f"{path}/docking", headers=expert)).json()
    second = await (await api.post(f"{path}/docking", headers=expert)).json()
    assert first["status"] == "docked" and second["docking_id"] == first["docking_id"]
    await drain_dingtalk(container, clock)
    [card] = docking_cards(world)
    assert card.title == "专家对接：MEMS压力传感器封装（XQ2026-000001）"
    assert "专家：王教授（教授，浙江大学）" in card.body and f"手机：{EXPERT_MOBILE}" in card.body
    assert "状态：待沟通" in card.body
    assert [a["label"] for a in card.actions] == ["联系专家", "标记已沟通"]
    [contact] = [a for a in card.actions if a["label"] == "联系专家"]
    assert contact["body"]["link"] == f"tel:{EXPERT_MOBILE}"
    assert [a for a, _, _ in await timeline(container, demand)].count("expert_dock") == 1
    assert (await (await api.get(f"{path}", headers=expert)).json())["docking"] == "docked"

    # The staff member's follow-up list shows the docking; the expert sees the broker's contact.
    items = (await (await api.get(f"/api/v1/demands/{demand}/follow-ups", headers=staff)).json())["items"]
    assert [(i["kind"], i["kind_label"], i["content"]) for i in items] == [
        ("expert_docking", "专家对接", "专家王教授（教授，浙江大学）对接该需求")
    ]
    broker = await api.get(f"{path}/broker", headers=expert)
    assert await broker.json() == {"name": "张三", "mobile": STAFF}
    mine = await (await api.get("/api/v1/expert/dockings", headers=expert)).json()
    assert [(d["demand_id"], d["status"]) for d in mine["items"]] == [(demand, "docked")]

    # 标记已沟通 through the Stream gateway: a follow-up by 张三, the card names him and keeps 联系专家.
    answer = await press(api, world, card, "标记已沟通")
    assert answer["card"]["cardParamMap"]["status"] == "已由张三标记已沟通"
    assert "状态：已由张三标记已沟通" in card.body and [a["label"] for a in card.actions] == ["联系专家"]
    items = (await (await api.get(f"/api/v1/demands/{demand}/follow-ups", headers=staff)).json())["items"]
    assert ("other", "已与对接专家王教授沟通", "张三") in [(i["kind"], i["content"], i["recorded_by"]) for i in items]
    steps = await timeline(container, demand)
    assert ("follow_up", "docking", "张三") in steps

    # 取消对接: the card says so and loses its buttons; cancelling again sends nothing more.
    cancelled = await api.delete(f"{path}/docking", headers=expert)
    assert cancelled.status == 200 and (await cancelled.json())["status"] == "cancelled"
    again = await api.delete(f"{path}/docking", headers=expert)
    assert again.status == 200 and (await again.json())["status"] == "cancelled"
    await drain_dingtalk(container, clock)
    assert "状态：专家已取消对接" in card.body and card.actions == []
    assert len(await outbox(container, "dingtalk.card_update")) == 1
    assert [a for a, _, _ in await timeline(container, demand)].count("expert_undock") == 1
    response = await api.get(f"{path}/broker", headers=expert)
    assert response.status == 409 and (await response.json())["error"]["code"] == "not_docked"

    # Docking again re-opens the same docking with a fresh card; the old card's button no longer counts.
    reopened = await (await api.post(f"{path}/docking", headers=expert)).json()
    assert reopened["docking_id"] == first["docking_id"] and reopened["status"] == "docked"
    await drain_dingtalk(container, clock)
    old, new = docking_cards(world)
    assert old is card and "状态：待沟通" in new.body
    assert [a["label"] for a in new.actions] == ["联系专家", "标记已沟通"]

    # Someone who is not the demand's docking staff member is refused, to them only; nothing is recorded.
    url = f"{world.base_url}/_fake/cards/{new.data['outTrackId']}/press"
    params = {"docking_id": str(reopened["docking_id"]), "round": "2"}
    async with api.session.post(
        url, json={"userId": "dt-li", "actionId": "expert_docking.communicated", "params": params}
    ) as response:
        answer = await response.json()
    assert answer["card"]["privateData"]["dt-li"]["tip"] == "只有该需求的对接人员可以标记已沟通"
    assert "状态：待沟通" in new.body


@pytest.mark.parametrize("how", ["change_of_staff", "departure"])
async def test_a_waiting_experts_card_moves_to_the_new_docking_staff_member(
    org: Org,
    container: Container,
    world: DingTalkWorld,
    stream: StreamRunner,  # noqa: F811
    api: TestClient[Any, Any],
    clock: ManualClock,
    how: str,  # noqa: F811
) -> None:
    from handlers.follow_ups.change_docking_staff import ChangeDockingStaff, change_docking_staff
    from handlers.staff.add_staff import AddStaff, add_staff
    from handlers.staff.record_staff_departure import RecordStaffDeparture, record_staff_departure

    w = await build_expert_world(org, staff_mobile=STAFF)
    await bind(container, w.a.staff_id, "dt-zhang")
    zhao = await add_staff(
        AddStaff(w.a.admin_id, w.a.centre_id, "赵六", "13800000006", "分中心主任", centre_admin=True),
        org.uow,
        membership=MEMBERSHIP,
    )
    await bind(container, zhao.account_id, "dt-zhao")
    demand = await approved(w.a, title="MEMS压力传感器封装")
    expert = bearer(await token(container, w.expert_account))
    assert (await api.post(f"/api/v1/expert/demands/{demand}/docking", headers=expert)).status == 200
    await drain_dingtalk(container, clock)
    [old] = docking_cards(world)

    # The centre admin 赵六 takes the demand over, or takes over from 张三 who leaves: 张三's card says so and loses
    # its buttons; 赵六 gets one.
    if how == "change_of_staff":
        await change_docking_staff(ChangeDockingStaff(zhao.account_id, demand, zhao.staff_member_id), org.uow, DEMANDS)
    else:
        async with container.sessionmaker() as session:
            leaver = await session.scalar(select(StaffMember.id).where(StaffMember.account_id == w.a.staff_id))
        assert leaver is not None
        await record_staff_departure(
            RecordStaffDeparture(zhao.account_id, leaver, zhao.staff_member_id, "调岗"), org.uow
        )
    await drain_dingtalk(container, clock)
    assert "状态：已转交赵六对接" in old.body and old.actions == []
    [new] = [i for i in phone(world, "13800000006", "dingtalk.card") if i.title.startswith("专家对接")]
    assert "状态：待沟通" in new.body and [a["label"] for a in new.actions] == ["联系专家", "标记已沟通"]

    # 赵六's 标记已沟通 counts, through the Stream gateway; the card names him as DingTalk knows him.
    answer = await press(api, world, new, "标记已沟通")
    assert answer["card"]["cardParamMap"]["status"] == "已由赵局长标记已沟通"
    assert ("follow_up", "docking", "赵六") in await timeline(container, demand)
