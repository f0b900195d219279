"""Issue 6's first acceptance, end to end through the sandbox DingTalk: staff submit → the admin's card and to-do
appear → 驳回 without a reason is refused → 退回修改 → the staff member edits and resubmits → 通过 pressed through
the Stream gateway → the demand is 对接中, every card updated, the to-do completed, staff and enterprise told,
+2 points to the staff member."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.bootstrap import Container
from bot.dingtalk.membership import membership_policy
from bot.dingtalk.stream import StreamRunner
from handlers.audit.verify_audit_chain import verify_audit_chain
from handlers.auth.sessions import issue_session
from handlers.clock import ManualClock
from handlers.points.get_my_points import GetMyPoints, get_my_points
from sandbox.state import InboxItem, Persona
from store.models.audit import AuditEntry
from store.models.auth import SessionKind
from store.models.demands import DemandStatus
from tests.api.conftest import bearer
from tests.api.demand_world import attachment, body
from tests.demands.conftest import CONTACT_MOBILE, FIELDS, build_bench, demand_of, outbox, timeline
from tests.dingtalk.conftest import DingTalkWorld, eventually, world  # noqa: F401  (the sandbox DingTalk)
from tests.dingtalk.sandbox_flow import api, phone, settings, stream  # noqa: F401  (fixtures)
from tests.organisation.conftest import Org
from tests.test_outbox_relay import drain, relay_for

ADMIN, STAFF = "13800000002", "13800000004"  # 林管理 (dt-li) and 张三 (dt-zhang), both DingTalk members


async def press(
    api: TestClient[Any, Any],
    world: DingTalkWorld,
    action: dict[str, Any],  # noqa: F811
    **inputs: str,
) -> Any:
    """A button press from the console; `inputs` are what the person typed into the card's input fields."""
    url = world.base_url + str(action["url"]).removeprefix("/dingtalk")
    body = {**action["body"], "params": {**action["body"].get("params", {}), **inputs}}
    async with api.session.post(url, json=body) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def drain_dingtalk(container: Container, clock: ManualClock) -> None:
    """The DingTalk channels only: the enterprise's SMS waits in the outbox, where the test reads it."""
    relay = relay_for(container)
    relay.channels = {name: c for name, c in relay.channels.items() if name.startswith("dingtalk.")}
    for _ in range(20):
        clock.advance(0.001)
        if await relay.run_once() == 0:
            return


def review_cards(world: DingTalkWorld) -> list[InboxItem]:  # noqa: F811
    return [i for i in phone(world, ADMIN, "dingtalk.card") if i.title.startswith("需求审核")]


def button(item: InboxItem, label: str) -> dict[str, Any]:
    [found] = [a for a in item.actions if a["label"] == label]
    return found


async def test_submit_review_on_the_card_return_resubmit_and_approve(
    org: Org,
    container: Container,
    world: DingTalkWorld,
    stream: StreamRunner,  # noqa: F811
    api: TestClient[Any, Any],
    clock: ManualClock,  # noqa: F811
) -> None:
    world.sandbox.add_person(Persona("admin", "林管理", "法人机构管理员", ADMIN, dingtalk_userid="dt-li"))
    bench = await build_bench(
        org, membership_policy(container.settings.dingtalk), admin_mobile=ADMIN, staff_mobile=STAFF
    )
    await drain(relay_for(container), clock)

    # 张三 uploads an attachment and submits from the micro-app; 林管理's DingTalk shows the review card and a to-do.
    async with container.uow() as uow:
        token = (await issue_session(uow, container.auth_policy, bench.staff_id, SessionKind.MICRO_APP)).token
        await uow.commit()
    headers = bearer(token)
    upload = await api.post("/api/v1/demand-attachments", data=attachment(1), headers=headers)
    assert upload.status == 201, await upload.text()
    file_id = (await upload.json())["id"]
    fields = body(bench.enterprise_id)["json"]
    response = await api.post(
        "/api/v1/demands",
        headers=headers,
        json={
            **fields,
            "title": FIELDS.title,
            "description": FIELDS.description,
            "fee_ratio_bp": 800,
            "attachment_ids": [file_id],
        },
    )
    assert response.status == 201, await response.text()
    submitted = SimpleNamespace(**await response.json())
    assert submitted.status == "pending_review"
    await drain(relay_for(container), clock)
    [card] = review_cards(world)
    assert card.title == f"需求审核：{FIELDS.title}"
    assert "提交人：张三" in card.body and "状态：待审核" in card.body
    assert [a["label"] for a in card.actions] == ["通过", "驳回", "退回修改", "查看详情"]
    assert [a.get("inputs") for a in card.actions] == [None, ["reason"], ["reason"], None]
    [todo] = phone(world, ADMIN, "dingtalk.todo")
    assert todo.title == f"待办 · 需求审核：{FIELDS.title}" and "状态：未完成" in todo.body

    # 驳回 without a reason is refused, to the presser only; nothing changes.
    answer = await press(api, world, button(card, "驳回"))
    assert answer["card"]["privateData"]["dt-li"]["tip"] == "驳回或退回修改时请填写原因"
    assert card.body.endswith("驳回或退回修改时请填写原因")
    assert (await demand_of(container, submitted.demand_id)).status == DemandStatus.PENDING_REVIEW
    assert [a["label"] for a in card.actions][:3] == ["通过", "驳回", "退回修改"]

    # 退回修改 with a reason: the card says who returned it, the to-do is done, 张三 is told why.
    await press(api, world, button(card, "退回修改"), reason="请补充预算依据")
    assert "状态：已由林管理退回修改（请补充预算依据）" in card.body
    assert [a["label"] for a in card.actions] == ["查看详情"]
    assert (await demand_of(container, submitted.demand_id)).status == DemandStatus.RETURNED
    await drain(relay_for(container), clock)
    assert "状态：已完成" in todo.body
    _received, returned = phone(world, STAFF, "dingtalk.work_notice")
    assert "需求审核被退回修改（审核人：林管理）" in returned.body and "请补充预算依据" in returned.body

    # 张三 edits and resubmits: a fresh card and to-do for the second round.
    edited = await api.put(
        f"/api/v1/demands/{submitted.demand_id}",
        headers=headers,
        json={
            **fields,
            "title": FIELDS.title,
            "description": FIELDS.description,
            "fee_ratio_bp": 800,
            "budget_fen": 80_000_000,
            "attachment_ids": [file_id],
        },
    )
    assert edited.status == 200, await edited.text()
    assert (await edited.json())["changed"] == ["budget_fen"]
    again = await api.post(f"/api/v1/demands/{submitted.demand_id}/submit", headers=headers)
    assert again.status == 200, await again.text()
    await drain(relay_for(container), clock)
    first, second = review_cards(world)
    assert first is card and "状态：待审核" in second.body
    _, second_todo = phone(world, ADMIN, "dingtalk.todo")

    # 通过 through the Stream gateway: committed before the ack, the card shows who approved.
    answer = await press(api, world, button(second, "通过"))
    assert answer["card"]["cardParamMap"]["status"] == "已由林管理通过"
    assert "状态：已由林管理通过" in second.body and [a["label"] for a in second.actions] == ["查看详情"]
    demand = await demand_of(container, submitted.demand_id)
    assert demand.status == DemandStatus.DOCKING and demand.budget_fen == 80_000_000
    assert demand.attachment_ids == [file_id]

    # A redelivered frame or a second press changes nothing.
    repeat = await press(
        api,
        world,
        {
            **button(second, "查看详情"),
            "url": f"/dingtalk/_fake/cards/{second.data['outTrackId']}/press",
            "body": {
                "userId": "dt-li",
                "actionId": "review.approve",
                "params": {"review_id": answer["card"]["cardParamMap"]["review_id"], "stage": "0"},
            },
        },
    )
    assert repeat["card"]["privateData"]["dt-li"]["tip"] == "已由林管理通过"

    await drain_dingtalk(container, clock)
    assert "状态：已完成" in second_todo.body
    approved = phone(world, STAFF, "dingtalk.work_notice")[-1]
    assert "需求审核已通过（审核人：林管理）" in approved.body
    [sms] = await outbox(container, "sms", CONTACT_MOBILE)
    assert sms.payload["params"] == {"title": f"XQ2026-000001 {FIELDS.title}", "status": "已通过审核，进入对接"}
    assert [a for a, _, _ in await timeline(container, submitted.demand_id)] == [
        "submit",
        "return",
        "edit",
        "submit",
        "approve",
    ]
    # Every step is in the evidence chain, and the chain verifies.
    report = await verify_audit_chain(container.uow(), container.anchors)
    assert not report.findings
    async with container.sessionmaker() as session:
        actions = list(
            await session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.aggregate_type == "demand", AuditEntry.aggregate_id == str(submitted.demand_id))
                .order_by(AuditEntry.seq)
            )
        )
    assert actions == ["submit", "return", "edit", "submit", "approve"]
    # +2 contribution points to the staff member whose demand passed review, explained by its entry.
    mine = await get_my_points(GetMyPoints(demand.staff_account_id or 0), container.uow())
    assert mine.total_points == 2 and [e.points for e in mine.entries] == [2]
