"""Review deadlines in working days: due dates over 国庆 2025 and 春节 2026, pauses, and the 补正 restart."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from handlers.clock import ManualClock
from handlers.demands.resubmit_demand import ResubmitDemand, resubmit_demand
from handlers.reviews.chains import CHAINS, DEMAND_REVIEW
from handlers.reviews.clock import ClockEvent, ClockState, RecordedEvent, explain, overdue_working_days, rebuild
from handlers.reviews.clock import remind_on as remind_day
from handlers.reviews.deadlines import pause_clock, rebuild_clock, resume_clock
from handlers.reviews.decide_review import DecideReview, Decision, decide_review
from store.models.demands import Review, ReviewStatus
from store.working_calendar import ChineseWorkingCalendar
from tests.demands.conftest import Bench, outbox, reviews_of
from tests.outbox_support import cli
from tests.policies import DEMANDS, SUBJECTS

SHANGHAI = ZoneInfo("Asia/Shanghai")
CALENDAR = ChineseWorkingCalendar()


def beijing(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI).astimezone(UTC)


def three_days(stage: int) -> int | None:
    return 3


def opened(on: date) -> ClockState:
    return rebuild([RecordedEvent(ClockEvent.OPENED, 0, on)], three_days, CALENDAR)


@pytest.mark.parametrize(
    ("opened_on", "due_on", "remind_on", "first_overdue"),
    [
        # Friday before 国庆: Saturday 27 is off, Sunday 28 September is a make-up working day.
        (date(2025, 9, 26), date(2025, 9, 30), date(2025, 9, 29), date(2025, 10, 9)),
        # Monday 29 September: the 30th, then 1–8 October off, then the 9th and 10th.
        (date(2025, 9, 29), date(2025, 10, 10), date(2025, 10, 9), date(2025, 10, 11)),
        # Opened on the eve of 国庆: Saturday 11 October (a make-up day) is the third working day.
        (date(2025, 9, 30), date(2025, 10, 11), date(2025, 10, 10), date(2025, 10, 13)),
        # Opened during the holiday (a weekend submission counts the same way).
        (date(2025, 10, 3), date(2025, 10, 11), date(2025, 10, 10), date(2025, 10, 13)),
        # Thursday before 春节 2026: Friday 13, make-up Saturday 14 February, then 15–23 off, Tuesday 24.
        (date(2026, 2, 12), date(2026, 2, 24), date(2026, 2, 14), date(2026, 2, 25)),
        (date(2026, 2, 13), date(2026, 2, 25), date(2026, 2, 24), date(2026, 2, 26)),
        # After 春节: Saturday 28 February is a make-up working day.
        (date(2026, 2, 25), date(2026, 2, 28), date(2026, 2, 27), date(2026, 3, 2)),
        # An ordinary week: Monday 7 December 2026, due Thursday 10.
        (date(2026, 12, 7), date(2026, 12, 10), date(2026, 12, 9), date(2026, 12, 11)),
    ],
)
def test_due_dates_reminders_and_escalations_fall_on_working_days(
    opened_on: date,
    due_on: date,
    remind_on: date,
    first_overdue: date,
) -> None:
    state = opened(opened_on)
    assert state.due_on == due_on
    assert remind_day(due_on, 1, CALENDAR) == remind_on
    assert CALENDAR.add_working_days(due_on, 1) == first_overdue
    assert overdue_working_days(due_on, due_on, CALENDAR) == 0
    assert overdue_working_days(due_on, first_overdue, CALENDAR) == 1


def test_overdue_days_skip_holidays_and_count_make_up_days() -> None:
    due = date(2025, 9, 30)
    assert overdue_working_days(due, date(2025, 10, 8), CALENDAR) == 0  # 国庆: nothing counts
    assert overdue_working_days(due, date(2025, 10, 10), CALENDAR) == 2
    assert overdue_working_days(due, date(2025, 10, 11), CALENDAR) == 3  # a make-up Saturday
    assert overdue_working_days(due, date(2025, 10, 12), CALENDAR) == 3


def test_a_pause_stops_the_clock_without_resetting_it_and_the_explanation_names_the_days() -> None:
    events = [
        RecordedEvent(ClockEvent.OPENED, 0, date(2026, 12, 7)),
        RecordedEvent(ClockEvent.PAUSED, 0, date(2026, 12, 8)),
    ]
    paused = rebuild(events, three_days, CALENDAR)
    assert (paused.due_on, paused.used, paused.running) == (None, 1, False)
    resumed = rebuild([*events, RecordedEvent(ClockEvent.RESUMED, 0, date(2026, 12, 14))], three_days, CALENDAR)
    assert resumed.due_on == date(2026, 12, 16)  # the two days left: Tuesday 15 and Wednesday 16
    assert explain(opened(date(2026, 12, 10)), CALENDAR) == (
        "due 2026-12-15: 3 working days from 2026-12-10 (12-11, 12-14, 12-15), excluding 12-12, 12-13"
    )


def test_a_stage_whose_time_does_not_count_has_no_due_date() -> None:
    state = rebuild([RecordedEvent(ClockEvent.OPENED, 1, date(2026, 12, 7))], lambda stage: None, CALENDAR)
    assert state.due_on is None and explain(state, CALENDAR) == "no time limit"


def test_a_year_without_data_counts_monday_to_friday_and_alerts() -> None:
    alerts: list[int] = []
    calendar = ChineseWorkingCalendar(on_uncovered_year=alerts.append, today=lambda: date(2029, 12, 20))
    state = rebuild([RecordedEvent(ClockEvent.OPENED, 0, date(2030, 1, 4))], three_days, calendar)
    assert state.due_on == date(2030, 1, 9) and alerts == [2030]


def test_the_demand_chain_declares_three_working_days_and_escalates_to_the_city() -> None:
    stage = CHAINS[DEMAND_REVIEW.name].stage(0)
    assert stage.deadline is not None and stage.limit == 3 and stage.deadline.remind_before == 1
    assert stage.deadline.escalate_to is not None and stage.deadline.escalate_to.reach == "city"


async def test_a_return_for_update_stops_the_clock_and_the_resubmission_starts_a_fresh_one(
    bench: Bench,
    clock: ManualClock,
) -> None:
    clock.set(beijing(2025, 9, 29))
    submitted = await bench.submit()
    [first] = await reviews_of(bench.container, submitted.demand_id)
    assert first.due_on == date(2025, 10, 10)

    clock.set(beijing(2025, 10, 9))
    async with bench.org.uow as uow:
        await decide_review(
            DecideReview(first.id, 0, Decision.RETURN, "请补充预算明细", userid="dt-admin"), uow, subjects=SUBJECTS
        )
        await uow.commit()
    clock.set(beijing(2025, 10, 13))
    await resubmit_demand(ResubmitDemand(bench.staff_id, submitted.demand_id), bench.org.uow, DEMANDS)

    first, second = await reviews_of(bench.container, submitted.demand_id)
    assert first.status == ReviewStatus.RETURNED and first.due_on is None
    # 补正: a full three working days again from the resubmission (14, 15, 16 October).
    assert second.status == ReviewStatus.PENDING and second.due_on == date(2025, 10, 16)
    async with bench.org.uow as uow:
        for review in (first, second):
            rebuilt = await rebuild_clock(uow, review)
            assert (rebuilt.due_on, rebuilt.running_since, rebuilt.used) == (
                review.due_on,
                review.clock_since,
                review.clock_used,
            )


async def test_the_card_the_todo_and_the_submitters_notice_carry_the_due_date(bench: Bench, clock: ManualClock) -> None:
    clock.set(beijing(2026, 12, 7))  # Monday
    submitted = await bench.submit()
    [review] = await reviews_of(bench.container, submitted.demand_id)
    [card] = await outbox(bench.container, "dingtalk.card", "dt-admin")
    assert card.payload["card_data"]["due"] == "请于12月10日前处理"
    [todo] = await outbox(bench.container, "dingtalk.todo", "dt-admin")
    assert todo.payload["due_ms"] == int(beijing(2026, 12, 10, 18).timestamp() * 1000)
    [notice] = await outbox(bench.container, "dingtalk.work_notice", "dt-zhang")
    text = notice.payload["msg"]["text"]["content"]
    assert f"受理编号：20261207-{review.id:06d}" in text and "12月10日前" in text


async def test_the_cli_explains_a_clock_and_repairs_a_live_one_that_drifted(bench: Bench, clock: ManualClock) -> None:
    clock.set(beijing(2026, 12, 10))  # Thursday
    submitted = await bench.submit()
    [review] = await reviews_of(bench.container, submitted.demand_id)
    code, out = await cli(bench.container.settings, "reviews", "clock", str(review.id), clock=clock)
    assert code == 0, out
    assert "2026-12-10 opened stage 0" in out and "live clock agrees" in out
    assert "due 2026-12-15: 3 working days from 2026-12-10 (12-11, 12-14, 12-15), excluding 12-12, 12-13" in out

    async with bench.container.sessionmaker() as session, session.begin():
        await session.execute(update(Review).where(Review.id == review.id).values(due_on=date(2026, 12, 31)))
    code, out = await cli(bench.container.settings, "reviews", "clock", str(review.id), "--repair", clock=clock)
    assert code == 0 and "live clock differs: due 2026-12-31" in out and "(repaired)" in out
    [repaired] = await reviews_of(bench.container, submitted.demand_id)
    assert repaired.due_on == date(2026, 12, 15)


async def test_a_paused_stage_says_so_on_its_cards_and_resumes_with_the_days_left(
    bench: Bench, clock: ManualClock
) -> None:
    clock.set(beijing(2026, 12, 7))  # due Thursday 10 December
    submitted = await bench.submit()
    [review] = await reviews_of(bench.container, submitted.demand_id)
    for at, change in ((beijing(2026, 12, 8), pause_clock), (beijing(2026, 12, 14), resume_clock)):
        clock.set(at)
        async with bench.org.uow as uow:
            locked = await uow.session.scalar(select(Review).where(Review.id == review.id).with_for_update())
            assert locked is not None
            await change(uow, locked, "等待专家评审")
            await uow.commit()
        if change is pause_clock:
            [paused] = await reviews_of(bench.container, submitted.demand_id)
            assert paused.due_on is None
    [resumed] = await reviews_of(bench.container, submitted.demand_id)
    assert resumed.due_on == date(2026, 12, 16)  # one day used (8 December), two left: 15 and 16
    updates = await outbox(bench.container, "dingtalk.card_update", "dt-admin")
    assert [u.payload["card_data"]["due"] for u in updates] == ["审核时限暂停（等待专家评审）", "请于12月16日前处理"]
