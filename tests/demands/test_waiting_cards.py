"""A review assigned before its reviewer is in DingTalk is not lost: the task waits without a card, and the
reviewer's card and to-do go out in the transaction that binds them (here a first 免登 sign-in). A task decided
meanwhile sends nothing."""

from __future__ import annotations

from handlers.auth.login_with_dingtalk import LoginWithDingTalk, login_with_dingtalk
from handlers.reviews.decide_review import DecideReview, Decision, decide_review
from tests.auth.test_platform_logins import FakeDingTalk
from tests.demands.conftest import bind, build_bench, outbox, reviews_of, tasks_of
from tests.organisation.conftest import Org
from tests.policies import SUBJECTS


async def test_a_reviewer_who_joins_dingtalk_later_gets_the_waiting_cards(org: Org) -> None:
    bench = await build_bench(org)
    await bind(bench.container, bench.staff_id, "dt-zhang")
    waiting = await bench.submit(title="晶圆清洗设备国产化控制软件")
    decided = await bench.submit(title="刻蚀腔体温度场仿真优化")
    assert await outbox(bench.container, "dingtalk.card") == []  # the admin is not in DingTalk yet
    [review] = await reviews_of(bench.container, waiting.demand_id)
    [task] = await tasks_of(bench.container, review.id)
    assert task.userid is None
    # One review is decided from the micro-app before the admin ever opens DingTalk.
    [other] = await reviews_of(bench.container, decided.demand_id)
    async with org.uow as uow:
        await decide_review(
            DecideReview(other.id, 0, Decision.APPROVE, "", account_id=bench.admin_id), uow, subjects=SUBJECTS
        )
        await uow.commit()

    dingtalk = FakeDingTalk({"c1": "dt-admin"}, {"dt-admin": "13800000001"})
    await login_with_dingtalk(LoginWithDingTalk("c1"), org.uow, org.container.auth_policy, dingtalk)

    [card] = await outbox(bench.container, "dingtalk.card", "dt-admin")
    assert card.platform_key == task.out_track_id and card.payload["card_data"]["title"] == "晶圆清洗设备国产化控制软件"
    [todo] = await outbox(bench.container, "dingtalk.todo", "dt-admin")
    assert todo.payload["subject"] == "需求审核：晶圆清洗设备国产化控制软件"
    [task] = await tasks_of(bench.container, review.id)
    assert (task.userid, task.todo_outbox_id) == ("dt-admin", todo.id)

    # Signing in again sends nothing more.
    dingtalk.codes["c2"] = "dt-admin"
    await login_with_dingtalk(LoginWithDingTalk("c2"), org.uow, org.container.auth_policy, dingtalk)
    assert len(await outbox(bench.container, "dingtalk.card", "dt-admin")) == 1
