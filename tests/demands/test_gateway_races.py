"""Issue 6's second acceptance through the sandbox Stream gateway: the same card pressed twice at the same moment
(phone and PC), and two reviewers of one stage pressing together — exactly one decision is recorded, the other
sees who decided; a redelivered callback changes nothing.

Each press is its own CALLBACK frame with its own messageId, pushed by the sandbox DingTalk to our Stream runner
and answered by its ack, as DingTalk does for every device a person is logged in on."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from bot.bootstrap import Container
from bot.dingtalk.membership import membership_policy
from bot.dingtalk.stream import StreamRunner
from handlers.clock import ManualClock
from handlers.organisation.people import find_or_create_account, grant_role
from sandbox.state import InboxItem, Persona
from store.models.demands import DemandEvent, DemandStatus, Review, ReviewStatus
from store.models.organisation import Role
from store.models.outbox import OutboxMessage
from store.models.points import PointEntry, PointEvent
from tests.demands.conftest import Bench, bind, build_bench, demand_of, reviews_of
from tests.demands.test_sandbox_acceptance import ADMIN, STAFF, button, drain_dingtalk
from tests.dingtalk.conftest import DingTalkWorld, world  # noqa: F401  (the sandbox DingTalk)
from tests.dingtalk.sandbox_flow import api, phone, settings, stream  # noqa: F401  (fixtures)
from tests.organisation.conftest import Org
from tests.test_outbox_relay import drain, relay_for

DEPUTY = "13800000012"  # 王副主任 (dt-wang), the institution's second admin


@dataclass(frozen=True)
class Counts:
    """What one decision leaves behind: a user would notice a second of any of these."""

    approvals: int  # timeline steps 「通过」
    decisions: int  # timeline steps that decided the review (approve / reject)
    points: int  # points entries for the demand
    notices: int  # work notices to the staff member


async def counts(container: Container, demand_id: int, staff_userid: str = "dt-zhang") -> Counts:
    async with container.sessionmaker() as session:

        async def count(query: Any) -> int:
            return int(await session.scalar(query) or 0)

        steps = select(func.count()).select_from(DemandEvent).where(DemandEvent.demand_id == demand_id)
        return Counts(
            await count(steps.where(DemandEvent.action == "approve")),
            await count(steps.where(DemandEvent.action.in_(["approve", "reject"]))),
            await count(
                select(func.count())
                .select_from(PointEntry)
                .join(PointEvent, PointEvent.id == PointEntry.event_id)
                .where(PointEvent.demand_id == demand_id)
            ),
            await count(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.channel == "dingtalk.work_notice", OutboxMessage.recipient == staff_userid)
            ),
        )


async def press(
    api: TestClient[Any, Any],
    world: DingTalkWorld,
    item: InboxItem,
    label: str,  # noqa: F811
    user_id: str,
    **inputs: str,
) -> dict[str, Any]:
    """One device presses a button on `user_id`'s card: the sandbox pushes a CALLBACK frame and waits for the ack."""
    action = button(item, label)
    url = world.base_url + str(action["url"]).removeprefix("/dingtalk")
    body = {**action["body"], "userId": user_id, "params": {**action["body"].get("params", {}), **inputs}}
    async with api.session.post(url, json=body) as response:
        assert response.status == 200, await response.text()
        answer: dict[str, Any] = await response.json()
    assert answer["ack"]["code"] == 200, answer
    return answer


async def redeliver(api: TestClient[Any, Any], world: DingTalkWorld, message_id: str) -> dict[str, Any]:  # noqa: F811
    async with api.session.post(f"{world.base_url}/_fake/frames/{message_id}/redeliver") as response:
        assert response.status == 200, await response.text()
        answer: dict[str, Any] = await response.json()
    assert answer["ack"]["code"] == 200, answer
    return answer


async def card_state(api: TestClient[Any, Any], world: DingTalkWorld, item: InboxItem) -> dict[str, Any]:  # noqa: F811
    async with api.session.get(f"{world.base_url}/_fake/cards/{item.data['outTrackId']}") as response:
        assert response.status == 200, await response.text()
        state: dict[str, Any] = await response.json()
    return state


def cards_of(world: DingTalkWorld, mobile: str) -> list[InboxItem]:  # noqa: F811
    return [i for i in phone(world, mobile, "dingtalk.card") if i.title.startswith("需求审核")]


async def submitted_bench(
    org: Org,
    container: Container,
    world: DingTalkWorld,
    clock: ManualClock,  # noqa: F811
    *,
    deputy: bool = False,
) -> tuple[Bench, int]:
    """林管理's institution (and its second admin 王副主任 when asked), 张三's submitted demand, the cards delivered."""
    world.sandbox.add_person(Persona("admin", "林管理", "法人机构管理员", ADMIN, dingtalk_userid="dt-li"))
    bench = await build_bench(
        org, membership_policy(container.settings.dingtalk), admin_mobile=ADMIN, staff_mobile=STAFF
    )
    if deputy:
        world.sandbox.add_person(Persona("deputy", "王副主任", "法人机构管理员", DEPUTY, dingtalk_userid="dt-wang"))
        async with container.uow() as uow:
            account, _ = await find_or_create_account(uow, "王副主任", DEPUTY, actor="test")
            await grant_role(uow, account.id, Role.INSTITUTION_ADMIN, actor="test", institution_id=bench.institution_id)
            await uow.commit()
        await bind(container, account.id, "dt-wang")
    await drain(relay_for(container), clock)
    demand_id = (await bench.submit()).demand_id
    await drain(relay_for(container), clock)
    return bench, demand_id


async def test_the_same_card_pressed_on_phone_and_pc_at_once_decides_once_and_a_redelivery_changes_nothing(
    org: Org,
    container: Container,
    world: DingTalkWorld,
    stream: StreamRunner,  # noqa: F811
    api: TestClient[Any, Any],
    clock: ManualClock,  # noqa: F811
) -> None:
    _, demand_id = await submitted_bench(org, container, world, clock)
    [card] = cards_of(world, ADMIN)
    before = await counts(container, demand_id)

    # 林管理 presses 通过 on their phone and on their PC at the same moment: two frames, two messageIds.
    phone_press, pc_press = await asyncio.gather(
        press(api, world, card, "通过", "dt-li"), press(api, world, card, "通过", "dt-li")
    )
    ids = {phone_press["ack"]["headers"]["messageId"], pc_press["ack"]["headers"]["messageId"]}
    assert len(ids) == 2
    # Both acks succeeded: the first press's answer updates the card, the second's tells 林管理 who approved.
    first, second = sorted((phone_press, pc_press), key=lambda a: "cardData" not in a["ack"]["data"])
    assert first["card"]["cardParamMap"]["status"] == "已由林管理通过"
    assert "cardData" not in second["ack"]["data"]  # a repeat never rewrites the shared card
    assert second["card"]["privateData"]["dt-li"]["tip"] == "已由林管理通过"
    assert (await card_state(api, world, card))["cardParamMap"]["status"] == "已由林管理通过"
    assert "状态：已由林管理通过" in card.body and [a["label"] for a in card.actions] == ["查看详情"]

    demand = await demand_of(container, demand_id)
    assert demand.status == DemandStatus.DOCKING
    [review] = await reviews_of(container, demand_id)
    assert review.status == ReviewStatus.APPROVED and review.decided_by_name == "林管理"
    once = await counts(container, demand_id)
    assert once == Counts(before.approvals + 1, before.decisions + 1, before.points + 1, before.notices + 1)

    # DingTalk doubts both acks and pushes each frame again with its messageId: nothing changes.
    for message_id in ids:
        again = await redeliver(api, world, message_id)
        assert "cardData" not in again["ack"]["data"]  # a repeat never rewrites the shared card
    assert await counts(container, demand_id) == once
    assert (await demand_of(container, demand_id)).status == DemandStatus.DOCKING
    assert "状态：已由林管理通过" in card.body

    # The relay sends the one work notice to 张三 (the enterprise's SMS waits in the outbox).
    await drain_dingtalk(container, clock)
    notices = [n for n in phone(world, STAFF, "dingtalk.work_notice") if "需求审核已通过" in n.body]
    assert len(notices) == 1 and "审核人：林管理" in notices[0].body


async def test_two_reviewers_of_one_stage_pressing_together_record_one_decision_and_the_loser_sees_who(
    org: Org,
    container: Container,
    world: DingTalkWorld,
    stream: StreamRunner,  # noqa: F811
    api: TestClient[Any, Any],
    clock: ManualClock,  # noqa: F811
) -> None:
    _, demand_id = await submitted_bench(org, container, world, clock, deputy=True)
    [li_card], [wang_card] = cards_of(world, ADMIN), cards_of(world, DEPUTY)
    before = await counts(container, demand_id)

    # 林管理 presses 通过 and 王副主任 presses 驳回 (with a reason) at the same moment.
    approved, rejected = await asyncio.gather(
        press(api, world, li_card, "通过", "dt-li"),
        press(api, world, wang_card, "驳回", "dt-wang", reason="预算依据不足"),
    )

    [review] = await reviews_of(container, demand_id)
    assert review.status in (ReviewStatus.APPROVED, ReviewStatus.REJECTED)
    winner = "林管理" if review.status == ReviewStatus.APPROVED else "王副主任"
    verdict = "已由林管理通过" if winner == "林管理" else "已由王副主任驳回（预算依据不足）"
    assert review.decided_by_name == winner
    demand = await demand_of(container, demand_id)
    assert demand.status == (DemandStatus.DOCKING if winner == "林管理" else DemandStatus.REJECTED)
    after = await counts(container, demand_id)
    assert after.decisions == before.decisions + 1 and after.notices == before.notices + 1
    assert after.points == before.points + (1 if winner == "林管理" else 0)

    # The winner's card says so at once; the loser's press is answered with who decided, to the loser only.
    won, lost = (approved, rejected) if winner == "林管理" else (rejected, approved)
    loser_id = "dt-wang" if winner == "林管理" else "dt-li"
    assert won["card"]["cardParamMap"]["status"] == verdict
    assert lost["card"]["privateData"][loser_id]["tip"] == verdict
    # The relay brings the decision to every card of the stage: both reviewers' cards say who decided.
    await drain_dingtalk(container, clock)
    for item in (li_card, wang_card):
        assert f"状态：{verdict}" in item.body and [a["label"] for a in item.actions] == ["查看详情"]
    # Both to-dos are done.
    for mobile in (ADMIN, DEPUTY):
        [todo] = phone(world, mobile, "dingtalk.todo")
        assert "状态：已完成" in todo.body

    # Redelivering both frames changes nothing.
    for answer in (approved, rejected):
        await redeliver(api, world, answer["ack"]["headers"]["messageId"])
    assert await counts(container, demand_id) == after
    async with container.sessionmaker() as session:
        assert (await session.get(Review, review.id)) is not None
    [still] = await reviews_of(container, demand_id)
    assert still.status == review.status and still.decided_by_name == winner
