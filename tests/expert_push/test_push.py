"""Pushing a demand to experts: who may, to whom, what is written, and what each outcome changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from cards.expert_push import push_template
from cards.outbound import Channel
from cards.template_messages import clip
from handlers.errors import DomainError
from handlers.expert_push.push_experts import PushExperts, push_experts
from handlers.expert_push.record_push_outcome import (
    RecordPushFailed,
    RecordPushSent,
    record_push_failed,
    record_push_report,
    record_push_sent,
)
from handlers.points.get_my_points import GetMyPoints, get_my_points
from store.models.expert_pushes import ExpertPush, ExpertPushStatus
from store.models.outbox import OutboxMessage
from tests.api.conftest import credit_code
from tests.demands.conftest import timeline
from tests.expert_push.support import APP_ID, POLICY, Desk
from tests.organisation.conftest import snapshot

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def _pushes(desk: Desk) -> list[ExpertPush]:
    async with desk.container.sessionmaker() as session:
        return list(await session.scalars(select(ExpertPush).order_by(ExpertPush.id)))


async def _messages(desk: Desk) -> list[OutboxMessage]:
    async with desk.container.sessionmaker() as session:
        return list(
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.channel == Channel.WECHAT_EXPERT_PUSH)
                .order_by(OutboxMessage.id)
            )
        )


async def _points(desk: Desk, account_id: int) -> int:
    return (await get_my_points(GetMyPoints(account_id), desk.bench.org.uow)).total_points


async def _refused(desk: Desk, actor: int, expert_ids: tuple[int, ...]) -> DomainError:
    before = await snapshot(desk.container)
    with pytest.raises(DomainError) as refused:
        await push_experts(PushExperts(actor, desk.demand_id, expert_ids), desk.bench.org.uow, POLICY)
    assert await snapshot(desk.container) == before  # nothing half-written
    return refused.value


async def test_a_push_writes_one_row_and_one_template_message_per_expert_and_a_timeline_step(desk: Desk) -> None:
    li = await desk.expert("李封装", "13900000101", fields=("010203",), region="330106", openid="o-li")
    zhao = await desk.expert("赵良率", "13900000102", intro="研究先进封装与良率提升", openid="o-zhao")
    pushed = await push_experts(
        PushExperts(desk.bench.staff_id, desk.demand_id, (li, zhao, li)), desk.bench.org.uow, POLICY
    )
    assert [(i.expert_id, i.name, i.repeat) for i in pushed.items] == [(li, "李封装", False), (zhao, "赵良率", False)]
    rows = await _pushes(desk)
    assert [(r.expert_id, r.openid, r.status, r.batch) for r in rows] == [
        (li, "o-li", ExpertPushStatus.SENDING, pushed.batch),
        (zhao, "o-zhao", ExpertPushStatus.SENDING, pushed.batch),
    ]
    assert rows[0].reasons == ["研究领域匹配：集成电路封装技术", "同一地区"] and rows[0].score == 4.0
    assert rows[1].reasons[0].startswith("关键词：") and 0 < rows[1].score < rows[0].score
    messages = await _messages(desk)
    assert [(m.recipient, m.id) for m in messages] == [
        ("o-li", rows[0].outbox_message_id),
        ("o-zhao", rows[1].outbox_message_id),
    ]
    payload: dict[str, Any] = messages[0].payload
    assert payload["template_id"] == POLICY.template_id
    assert payload["miniprogram"] == {
        "appid": POLICY.mini_app_id,
        "pagepath": f"pages/demand/detail?id={desk.demand_id}",
    }
    assert payload["data"]["thing1"]["value"] == "芯片封装良率提升"
    assert payload["data"]["thing2"]["value"] == "集成电路封装技术"
    assert all(len(v["value"]) <= 20 for v in payload["data"].values())
    assert messages[0].platform_key == f"expert_push:{rows[0].id}"
    steps = await timeline(desk.container, desk.demand_id)
    assert steps[-1] == ("push_experts", "docking", "张三")


def test_template_values_are_clipped_to_twenty_characters_on_one_line() -> None:
    assert clip("一二三四五六七八九十一二三四五六七八九十二") == "一二三四五六七八九十一二三四五六七八九…"
    assert clip("两行\n标题") == "两行 标题" and clip("  ") == "-"
    payload = push_template(
        template_id="T",
        mini_app_id="M",
        page_path="p?id=1",
        demand_title="标" * 40,
        field_name="",
        institution_name="浙江大学技术转移中心",
        pushed_at=datetime(2026, 11, 22, 9, 5, tzinfo=SHANGHAI),
    )
    assert payload["data"]["thing1"]["value"] == "标" * 19 + "…"
    assert payload["data"]["thing2"]["value"] == "-" and payload["data"]["time4"]["value"] == "2026年11月22日 09:05"


async def test_the_centre_admin_may_push_an_institution_admin_may_not(desk: Desk) -> None:
    li = await desk.expert("李封装", "13900000101", fields=("010203",), openid="o-li")
    refused = await _refused(desk, desk.bench.admin_id, (li,))
    assert refused.status == 403
    pushed = await push_experts(PushExperts(desk.centre_admin_id, desk.demand_id, (li,)), desk.bench.org.uow, POLICY)
    assert len(pushed.items) == 1


async def test_another_institutions_expert_is_not_found_and_nothing_is_written(desk: Desk) -> None:
    other_inst, other_admin = await desk.bench.org.institution("另一机构", credit_code(7), mobile="13800000091")
    theirs = await desk.expert(
        "吴他院", "13900000106", fields=("010203",), openid="o-wu", admin=other_admin, institution=other_inst
    )
    ours = await desk.expert("李封装", "13900000101", fields=("010203",), openid="o-li")
    refused = await _refused(desk, desk.bench.staff_id, (ours, theirs))
    assert (refused.status, refused.code, refused.message) == (404, "expert_not_found", "未找到该专家")
    assert (await _refused(desk, desk.bench.staff_id, (999_999,))).code == "expert_not_found"


async def test_an_expert_not_following_or_not_bound_is_refused(desk: Desk) -> None:
    gone = await desk.expert("钱未关注", "13900000103", openid="o-qian", following=False)
    unbound = await desk.expert("孙未绑定", "13900000104", openid="o-sun", bound=False)
    never = await desk.expert("周无微信", "13900000105")
    for expert_id in (gone, never):
        refused = await _refused(desk, desk.bench.staff_id, (expert_id,))
        assert (refused.status, refused.code) == (409, "expert_not_following")
        assert refused.message.startswith("该专家未关注公众号，无法推送")
    refused = await _refused(desk, desk.bench.staff_id, (unbound,))
    assert (refused.status, refused.code) == (409, "expert_not_bound")


async def test_bad_expert_lists_are_refused(desk: Desk) -> None:
    assert (await _refused(desk, desk.bench.staff_id, ())).code == "expert_ids_required"
    assert (await _refused(desk, desk.bench.staff_id, tuple(range(1, 22)))).code == "too_many_experts"


async def test_acceptance_earns_one_point_per_demand_and_expert_and_a_block_withdraws_it(desk: Desk) -> None:
    li = await desk.expert("李封装", "13900000101", fields=("010203",), openid="o-li")
    uow, staff = desk.bench.org.uow, desk.bench.staff_id
    approved = await _points(desk, staff)  # the demand passing review earned 2
    assert approved == 2
    await push_experts(PushExperts(staff, desk.demand_id, (li,)), uow, POLICY)
    [first] = await _pushes(desk)
    assert first.outbox_message_id is not None
    assert await record_push_sent(RecordPushSent(first.outbox_message_id, "1001"), uow) == ExpertPushStatus.ACCEPTED
    assert await record_push_sent(RecordPushSent(first.outbox_message_id, "1001"), uow) == ExpertPushStatus.ACCEPTED
    assert await _points(desk, staff) == approved + 1  # the repeated report earned nothing more

    again = await push_experts(PushExperts(staff, desk.demand_id, (li,)), uow, POLICY)
    assert again.items[0].repeat
    second = (await _pushes(desk))[1]
    assert second.outbox_message_id is not None
    await record_push_sent(RecordPushSent(second.outbox_message_id, "1002"), uow)
    assert await _points(desk, staff) == approved + 1  # a repeat push to the same expert earns nothing

    async with uow as tx:
        await record_push_report(tx, "1001", "user_block")
        await tx.commit()
    assert (await _pushes(desk))[0].status == ExpertPushStatus.BLOCKED
    assert await _points(desk, staff) == approved  # the compensating entry


async def test_a_permanent_refusal_marks_the_push_unfollowed_only_when_the_follower_left(desk: Desk) -> None:
    li = await desk.expert("李封装", "13900000101", fields=("010203",), openid="o-li")
    zhao = await desk.expert("赵良率", "13900000102", fields=("010203",), openid="o-zhao")
    uow = desk.bench.org.uow
    await push_experts(PushExperts(desk.bench.staff_id, desk.demand_id, (li, zhao)), uow, POLICY)
    first, second = await _pushes(desk)
    from tests.expert_push.support import make_reachable

    await make_reachable(desk.container, (await _account_of(desk, li)), "o-li", following=False)
    assert first.outbox_message_id is not None and second.outbox_message_id is not None
    assert (
        await record_push_failed(RecordPushFailed(first.outbox_message_id, APP_ID, "wechat 43004"), uow)
        == ExpertPushStatus.UNFOLLOWED
    )
    assert (
        await record_push_failed(RecordPushFailed(second.outbox_message_id, APP_ID, "wechat 40037"), uow)
        == ExpertPushStatus.FAILED
    )
    assert await _points(desk, desk.bench.staff_id) == 2  # the approval only


async def _account_of(desk: Desk, expert_id: int) -> int:
    from store.models.organisation_people import Expert

    async with desk.container.sessionmaker() as session:
        expert = await session.get(Expert, expert_id)
        assert expert is not None
        return expert.account_id
