"""The review reminder job with a frozen clock over 国庆 2025 and 春节 2026: each reminder, overdue count and
escalation goes out once, on the expected working day in office hours; re-runs, restarts and a second instance
send nothing more; a 补正 round restarts the clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.bootstrap import build_container
from handlers.clock import ManualClock
from handlers.demands.resubmit_demand import ResubmitDemand, resubmit_demand
from handlers.officials.create_official import CreateOfficial, create_official
from handlers.reviews.decide_review import DecideReview, Decision, decide_review
from handlers.reviews.send_review_reminders import ReviewRemindersSent, send_review_reminders
from store.models.outbox import OutboxMessage
from tests.demands.conftest import Bench, bind, outbox, reviews_of
from tests.policies import DEMANDS, MEMBERSHIP, SUBJECTS

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOTHING = ReviewRemindersSent(0, 0, 0)


def beijing(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture
async def officials(bench: Bench) -> None:
    """赵局长 is a city official of Hangzhou (the demand's region 330106); 孙科长 is Ningbo's."""
    org = bench.org
    for name, mobile, region, userid in [
        ("赵局长", "13800000016", "330100", "dt-zhao"),
        ("孙科长", "13800000018", "330200", "dt-sun"),
    ]:
        created = await create_official(
            CreateOfficial(org.admin_id, name, mobile, region), org.uow, org.regions, membership=MEMBERSHIP
        )
        await bind(org.container, created.account_id, userid)


async def run(bench: Bench, clock: ManualClock, at: datetime) -> ReviewRemindersSent:
    clock.set(at)
    return await send_review_reminders(bench.container.uow, bench.container.office_hours)


async def due_lines(bench: Bench) -> list[str]:
    updates = await outbox(bench.container, "dingtalk.card_update", "dt-admin")
    return [u.payload["card_data"]["due"] for u in updates if "due" in u.payload["card_data"]]


async def notices(bench: Bench, userid: str, marker: str) -> list[OutboxMessage]:
    return [
        n
        for n in await outbox(bench.container, "dingtalk.work_notice", userid)
        if marker in n.payload["msg"]["text"]["content"]
    ]


@pytest.mark.usefixtures("officials")
async def test_over_national_day_the_reminder_the_overdue_days_and_the_escalation_come_once(
    bench: Bench,
    clock: ManualClock,
) -> None:
    clock.set(beijing(2025, 9, 29))  # Monday: 30 September, then 国庆 1–8 October, then 9 and 10: due the 10th
    await bench.submit()
    assert await run(bench, clock, beijing(2025, 10, 8, 12)) == NOTHING  # a holiday
    assert await run(bench, clock, beijing(2025, 10, 9, 8, 55)) == NOTHING  # before office hours
    assert await run(bench, clock, beijing(2025, 10, 9, 9, 5)) == ReviewRemindersSent(1, 0, 0)
    assert await due_lines(bench) == ["请于10月10日前处理（即将到期）"]
    [reminder] = await notices(bench, "dt-admin", "提醒")
    assert "请于10月10日前处理" in reminder.payload["msg"]["text"]["content"]

    # A re-run, or a restarted instance on the same database, sends nothing more.
    assert await run(bench, clock, beijing(2025, 10, 9, 9, 10)) == NOTHING
    restarted = await build_container(bench.container.settings, clock=clock)
    try:
        assert await send_review_reminders(restarted.uow, restarted.office_hours) == NOTHING
    finally:
        await restarted.aclose()
    assert await run(bench, clock, beijing(2025, 10, 10, 17, 59)) == NOTHING  # the due day itself

    # Saturday 11 October is a make-up working day: the first day overdue; Hangzhou's city official is told.
    assert await run(bench, clock, beijing(2025, 10, 11, 9, 5)) == ReviewRemindersSent(0, 1, 1)
    [escalation] = await notices(bench, "dt-zhao", "督办")
    text = escalation.payload["msg"]["text"]["content"]
    assert "应于10月10日前处理" in text and "已逾期1个工作日" in text and "林管理" in text
    assert await outbox(bench.container, "dingtalk.work_notice", "dt-sun") == []
    assert await run(bench, clock, beijing(2025, 10, 12, 10)) == NOTHING  # Sunday
    assert await run(bench, clock, beijing(2025, 10, 13, 9, 30)) == ReviewRemindersSent(0, 1, 0)
    assert await run(bench, clock, beijing(2025, 10, 13, 15)) == NOTHING
    assert await due_lines(bench) == ["请于10月10日前处理（即将到期）", "已逾期1个工作日", "已逾期2个工作日"]
    assert len(await notices(bench, "dt-zhao", "督办")) == 1
    assert len(await notices(bench, "dt-admin", "提醒")) == 1


@pytest.mark.usefixtures("officials")
async def test_over_spring_festival_a_missed_run_sends_late_once_and_a_resubmission_restarts_the_clock(
    bench: Bench,
    clock: ManualClock,
) -> None:
    clock.set(beijing(2026, 2, 12))  # Thursday: Friday 13, make-up Saturday 14, then 春节 to the 23rd: due the 24th
    submitted = await bench.submit()
    [first] = await reviews_of(bench.container, submitted.demand_id)
    # The job was down on the reminder day (Saturday 14): the reminder goes on the due day, late but once.
    assert await run(bench, clock, beijing(2026, 2, 20)) == NOTHING
    assert await run(bench, clock, beijing(2026, 2, 24, 11)) == ReviewRemindersSent(1, 0, 0)
    # Down again until Thursday: one overdue update (2 working days: 25 and 26) and one escalation.
    assert await run(bench, clock, beijing(2026, 2, 26, 16)) == ReviewRemindersSent(0, 1, 1)
    assert await due_lines(bench) == ["请于2月24日前处理（即将到期）", "已逾期2个工作日"]

    # 补正: returned on the 26th, resubmitted on the 27th: three fresh working days (28 is a make-up day, 2, 3).
    async with bench.org.uow as uow:
        await decide_review(
            DecideReview(first.id, 0, Decision.RETURN, "请补充预算明细", userid="dt-admin"), uow, subjects=SUBJECTS
        )
        await uow.commit()
    clock.set(beijing(2026, 2, 27))
    await resubmit_demand(ResubmitDemand(bench.staff_id, submitted.demand_id), bench.org.uow, DEMANDS)
    _, second = await reviews_of(bench.container, submitted.demand_id)
    assert second.due_on is not None and f"{second.due_on}" == "2026-03-03"
    assert await run(bench, clock, beijing(2026, 2, 27, 15)) == NOTHING
    assert await run(bench, clock, beijing(2026, 3, 2, 9)) == ReviewRemindersSent(1, 0, 0)
    assert await run(bench, clock, beijing(2026, 3, 4, 9)) == ReviewRemindersSent(0, 1, 1)
    assert len(await notices(bench, "dt-zhao", "督办")) == 2  # one per round


@pytest.mark.usefixtures("officials")
async def test_two_instances_running_at_once_send_each_reminder_and_escalation_once(
    bench: Bench,
    clock: ManualClock,
) -> None:
    clock.set(beijing(2025, 9, 29))
    for title in ("甲", "乙", "丙"):
        await bench.submit(title=f"需求{title}")
    other = await build_container(bench.container.settings, clock=clock)
    try:
        for at in (beijing(2025, 10, 9, 9, 5), beijing(2025, 10, 11, 9, 5)):
            clock.set(at)
            await asyncio.gather(
                send_review_reminders(bench.container.uow, bench.container.office_hours),
                send_review_reminders(other.uow, other.office_hours),
            )
    finally:
        await other.aclose()
    assert len(await notices(bench, "dt-admin", "提醒")) == 3
    assert len(await notices(bench, "dt-zhao", "督办")) == 3
    assert sorted(await due_lines(bench)) == ["已逾期1个工作日"] * 3 + ["请于10月10日前处理（即将到期）"] * 3


@pytest.mark.usefixtures("officials")
async def test_the_escalation_goes_to_the_city_officials_where_the_institution_is(
    bench: Bench,
    clock: ManualClock,
) -> None:
    clock.set(beijing(2026, 12, 7))
    await bench.submit(region_code="330203")  # a Ningbo demand of the Hangzhou institution
    assert await run(bench, clock, beijing(2026, 12, 11, 9, 5)) == ReviewRemindersSent(0, 1, 1)
    assert len(await notices(bench, "dt-zhao", "督办")) == 1
    assert await outbox(bench.container, "dingtalk.work_notice", "dt-sun") == []
