"""Demand submission and review through the engine: cards and to-dos, decisions, resubmission, races."""

from __future__ import annotations

import asyncio

import pytest

from handlers.demands.resubmit_demand import ResubmitDemand, resubmit_demand
from handlers.demands.update_demand import UpdateDemand, update_demand
from handlers.demands.withdraw_demand import WithdrawDemand, withdraw_demand
from handlers.errors import Conflict, Forbidden, InvalidInput
from handlers.reviews.decide_review import DecideReview, Decision, ReviewDecided, decide_review
from store.models.demands import DemandStatus, ReviewStatus
from store.models.outbox import OutboxStatus
from tests.demands.conftest import CONTACT_MOBILE, FIELDS, Bench, demand_of, outbox, reviews_of, tasks_of, timeline
from tests.organisation.conftest import refused
from tests.policies import DEMANDS, SUBJECTS


async def decide(bench: Bench, cmd: DecideReview) -> ReviewDecided:
    async with bench.org.uow as uow:
        decided = await decide_review(cmd, uow, subjects=SUBJECTS)
        await uow.commit()
        return decided


async def test_submission_opens_a_card_and_a_todo_for_the_institution_admin(bench: Bench) -> None:
    submitted = await bench.submit()
    assert submitted.status == DemandStatus.PENDING_REVIEW
    [review] = await reviews_of(bench.container, submitted.demand_id)
    assert (review.chain, review.round, review.stage, review.status) == ("demand", 1, 0, ReviewStatus.PENDING)
    [task] = await tasks_of(bench.container, review.id)
    assert task.reviewer_account_id == bench.admin_id and task.userid == "dt-admin"
    [card] = await outbox(bench.container, "dingtalk.card", "dt-admin")
    data = card.payload["card_data"]
    assert card.platform_key == task.out_track_id
    assert data["title"] == FIELDS.title and data["status"] == "待审核" and data["open"] == "true"
    assert data["submitter"] == "张三" and "中介服务费比例：8%" in data["summary"]
    [todo] = await outbox(bench.container, "dingtalk.todo", "dt-admin")
    assert todo.payload["op"] == "create" and todo.payload["subject"] == f"需求审核：{FIELDS.title}"
    assert await timeline(bench.container, submitted.demand_id) == [("submit", "pending_review", "张三")]


async def test_approval_docks_the_demand_updates_cards_completes_todo_and_tells_everyone(bench: Bench) -> None:
    submitted = await bench.submit()
    [review] = await reviews_of(bench.container, submitted.demand_id)
    [todo] = await outbox(bench.container, "dingtalk.todo", "dt-admin")
    await _delivered(bench, todo.id, "task-1")

    decided = await decide(bench, DecideReview(review.id, 0, Decision.APPROVE, userid="dt-admin"))
    assert decided.won and decided.status == "已由林管理通过"
    assert (await demand_of(bench.container, submitted.demand_id)).status == DemandStatus.DOCKING
    [update] = await outbox(bench.container, "dingtalk.card_update", "dt-admin")
    assert update.payload["card_data"] == {"status": "已由林管理通过", "open": "false", "due": ""}
    complete = (await outbox(bench.container, "dingtalk.todo", "dt-admin"))[-1].payload
    assert complete == {"op": "complete", "task_id": "task-1"}
    received, notice = await outbox(bench.container, "dingtalk.work_notice", "dt-zhang")
    assert "受理编号" in received.payload["msg"]["text"]["content"]
    assert "需求审核已通过（审核人：林管理）" in notice.payload["msg"]["text"]["content"]
    [sms] = await outbox(bench.container, "sms", CONTACT_MOBILE)
    assert sms.payload["params"]["status"] == "已通过审核，进入对接"
    assert [a for a, _, _ in await timeline(bench.container, submitted.demand_id)] == ["submit", "approve"]

    # Pressed again, or by the same card on another device: nothing changes, the presser learns who decided.
    again = await decide(bench, DecideReview(review.id, 0, Decision.REJECT, "晚到的驳回", userid="dt-admin"))
    assert not again.won and again.status == "已由林管理通过"
    assert len(await outbox(bench.container, "dingtalk.card_update")) == 1


async def test_a_decision_before_the_todo_exists_queues_its_completion_behind_the_create_not_a_dead_letter(
    bench: Bench,
) -> None:
    submitted = await bench.submit()
    [review] = await reviews_of(bench.container, submitted.demand_id)
    [task] = await tasks_of(bench.container, review.id)
    await decide(bench, DecideReview(review.id, 0, Decision.APPROVE, userid="dt-admin"))
    create, complete = await outbox(bench.container, "dingtalk.todo", "dt-admin")
    assert create.status == complete.status == OutboxStatus.PENDING  # the relay decides: tests/dingtalk
    assert complete.payload == {"op": "complete"} and create.ordering_key == complete.ordering_key
    [card] = await outbox(bench.container, "dingtalk.card", "dt-admin")
    [update] = await outbox(bench.container, "dingtalk.card_update", "dt-admin")
    assert card.ordering_key == update.ordering_key == f"card:{task.out_track_id}" and card.id < update.id


async def test_reject_needs_a_reason(bench: Bench) -> None:
    submitted = await bench.submit()
    [review] = await reviews_of(bench.container, submitted.demand_id)
    for decision in (Decision.REJECT, Decision.RETURN):
        with pytest.raises(InvalidInput) as caught:
            await decide(bench, DecideReview(review.id, 0, decision, "  ", userid="dt-admin"))
        assert caught.value.code == "reason_required"
    assert (await demand_of(bench.container, submitted.demand_id)).status == DemandStatus.PENDING_REVIEW
    reason = "不属于本机构服务范围"
    decided = await decide(bench, DecideReview(review.id, 0, Decision.REJECT, reason, userid="dt-admin"))
    assert decided.status == "已由林管理驳回（不属于本机构服务范围）"
    assert (await demand_of(bench.container, submitted.demand_id)).status == DemandStatus.REJECTED
    with pytest.raises(Conflict):
        await resubmit_demand(ResubmitDemand(bench.staff_id, submitted.demand_id), bench.org.uow, DEMANDS)


async def test_only_the_stage_reviewers_decide(bench: Bench) -> None:
    submitted = await bench.submit()
    [review] = await reviews_of(bench.container, submitted.demand_id)
    with pytest.raises(Forbidden):
        await decide(bench, DecideReview(review.id, 0, Decision.APPROVE, userid="dt-zhang"))
    with pytest.raises(Forbidden):
        await decide(bench, DecideReview(review.id, 0, Decision.APPROVE, userid="dt-nobody"))


async def test_return_edit_and_resubmit_opens_a_new_round(bench: Bench) -> None:
    submitted = await bench.submit()
    [first] = await reviews_of(bench.container, submitted.demand_id)
    await decide(bench, DecideReview(first.id, 0, Decision.RETURN, "请补充预算依据", userid="dt-admin"))
    assert (await demand_of(bench.container, submitted.demand_id)).status == DemandStatus.RETURNED
    _received, notice = await outbox(bench.container, "dingtalk.work_notice", "dt-zhang")
    assert (
        "被退回修改" in notice.payload["msg"]["text"]["content"]
        and "请补充预算依据" in notice.payload["msg"]["text"]["content"]
    )

    from dataclasses import replace

    await update_demand(
        UpdateDemand(bench.staff_id, submitted.demand_id, replace(FIELDS, budget_fen=80_000_000)),
        bench.org.uow,
        DEMANDS,
    )
    second_id = await resubmit_demand(ResubmitDemand(bench.staff_id, submitted.demand_id), bench.org.uow, DEMANDS)
    first_again, second = await reviews_of(bench.container, submitted.demand_id)
    assert second.id == second_id and second.round == 2 and first_again.status == ReviewStatus.RETURNED
    assert len(await outbox(bench.container, "dingtalk.card", "dt-admin")) == 2
    await decide(bench, DecideReview(second.id, 0, Decision.APPROVE, userid="dt-admin"))
    demand = await demand_of(bench.container, submitted.demand_id)
    assert demand.status == DemandStatus.DOCKING and demand.budget_fen == 80_000_000
    assert [a for a, _, _ in await timeline(bench.container, submitted.demand_id)] == [
        "submit",
        "return",
        "edit",
        "submit",
        "approve",
    ]


async def test_editing_is_refused_under_review(bench: Bench) -> None:
    submitted = await bench.submit()
    error = await refused(
        bench.container,
        update_demand(UpdateDemand(bench.staff_id, submitted.demand_id, FIELDS), bench.org.uow, DEMANDS),
        Conflict,
        "illegal_transition",
    )
    assert error.message == "需求当前为「待审核」，不能修改"


async def test_withdraw_closes_the_cards_and_a_late_decision_loses(bench: Bench) -> None:
    submitted = await bench.submit()
    [review] = await reviews_of(bench.container, submitted.demand_id)
    await withdraw_demand(WithdrawDemand(bench.staff_id, submitted.demand_id), bench.org.uow)
    assert (await demand_of(bench.container, submitted.demand_id)).status == DemandStatus.DRAFT
    [update] = await outbox(bench.container, "dingtalk.card_update", "dt-admin")
    assert update.payload["card_data"]["status"] == "提交人已撤回"
    late = await decide(bench, DecideReview(review.id, 0, Decision.APPROVE, userid="dt-admin"))
    assert not late.won and late.status == "提交人已撤回"
    assert (await demand_of(bench.container, submitted.demand_id)).status == DemandStatus.DRAFT


async def test_two_presses_at_once_record_exactly_one_decision(bench: Bench) -> None:
    submitted = await bench.submit()
    [review] = await reviews_of(bench.container, submitted.demand_id)
    results = await asyncio.gather(
        decide(bench, DecideReview(review.id, 0, Decision.APPROVE, userid="dt-admin")),
        decide(bench, DecideReview(review.id, 0, Decision.RETURN, "再看看", userid="dt-admin")),
        return_exceptions=True,
    )
    won = [r for r in results if isinstance(r, ReviewDecided) and r.won]
    assert len(won) == 1, results
    [decided] = await reviews_of(bench.container, submitted.demand_id)
    status = (await demand_of(bench.container, submitted.demand_id)).status
    assert (decided.status, status) in {
        (ReviewStatus.APPROVED, DemandStatus.DOCKING),
        (ReviewStatus.RETURNED, DemandStatus.RETURNED),
    }
    assert len(await outbox(bench.container, "dingtalk.card_update")) == 1


async def _delivered(bench: Bench, outbox_id: int, provider_id: str) -> None:
    from store.models.outbox import OutboxMessage

    async with bench.container.sessionmaker() as session, session.begin():
        row = await session.get(OutboxMessage, outbox_id)
        assert row is not None
        row.status, row.provider_message_id = OutboxStatus.SENT, provider_id
