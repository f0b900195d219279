"""When a silent demand in docking reminds its staff member and escalates, over real holiday periods."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from handlers.calendar.office_hours import OfficeHours
from handlers.follow_up_reminders.policy import FollowUpReminderPolicy
from handlers.follow_up_reminders.timing import ReminderAction, ReminderDecision, decide, reminder_due_at
from store.working_calendar import CalendarOverrides, ChineseWorkingCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")


def beijing(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def office(overrides: CalendarOverrides | None = None) -> OfficeHours:
    return OfficeHours(ChineseWorkingCalendar(overrides), SHANGHAI, time(9, 0), time(18, 0))


HOURS = office()
THREE_THEN_TWO = FollowUpReminderPolicy(remind_after_working_days=3, escalate_after_working_days=2)


def check(
    anchor_at: datetime,
    now: datetime,
    reminded_at: datetime | None = None,
    escalated_at: datetime | None = None,
    policy: FollowUpReminderPolicy = THREE_THEN_TWO,
    hours: OfficeHours = HOURS,
) -> ReminderDecision:
    return decide(
        anchor_at=anchor_at, now=now, reminded_at=reminded_at, escalated_at=escalated_at, policy=policy, hours=hours
    )


def test_docked_just_before_national_day_nothing_during_the_holiday_then_the_count_resumes() -> None:
    docked = beijing(2025, 9, 30, 10)  # the last working day before 国庆 + 中秋 (1–8 October 2025)
    during = check(docked, beijing(2025, 10, 5, 12))
    # 9, 10 and the make-up Saturday 11 October are the three silent working days.
    assert during == ReminderDecision(ReminderAction.NOTHING, beijing(2025, 10, 13, 9))
    assert check(docked, beijing(2025, 10, 11, 17, 59)).action is ReminderAction.NOTHING

    remind = check(docked, beijing(2025, 10, 13, 9))
    assert remind == ReminderDecision(ReminderAction.REMIND_STAFF, beijing(2025, 10, 16, 9))
    reminded = beijing(2025, 10, 13, 9)
    assert check(docked, beijing(2025, 10, 15, 17), reminded) == ReminderDecision(
        ReminderAction.NOTHING, beijing(2025, 10, 16, 9)
    )
    assert check(docked, beijing(2025, 10, 16, 9), reminded) == ReminderDecision(ReminderAction.ESCALATE, None)
    escalated = beijing(2025, 10, 16, 9)
    assert check(docked, beijing(2025, 11, 30, 10), reminded, escalated) == ReminderDecision(
        ReminderAction.NOTHING, None
    )


def test_a_due_reminder_waits_for_office_hours_on_a_working_day() -> None:
    # Friday 20 November 2026; Monday 23rd is the one silent working day, so Tuesday 09:00 is due.
    policy = FollowUpReminderPolicy(remind_after_working_days=1, escalate_after_working_days=1)
    anchor = beijing(2026, 11, 20, 15)
    assert reminder_due_at(anchor, policy, HOURS) == beijing(2026, 11, 24, 9)
    assert check(anchor, beijing(2026, 11, 24, 8, 59), policy=policy).next_check_at == beijing(2026, 11, 24, 9)
    # The job was down all Tuesday: nothing at 19:00, the reminder waits for Wednesday's opening.
    late = check(anchor, beijing(2026, 11, 24, 19), policy=policy)
    assert late == ReminderDecision(ReminderAction.NOTHING, beijing(2026, 11, 25, 9))
    # Sent late on Wednesday afternoon: the staff member still gets a whole working day before escalation.
    sent = check(anchor, beijing(2026, 11, 25, 16), policy=policy)
    assert sent == ReminderDecision(ReminderAction.REMIND_STAFF, beijing(2026, 11, 27, 9))


def test_a_follow_up_starts_a_new_count_and_forgets_the_earlier_reminders() -> None:
    reminded = beijing(2026, 11, 2, 9)
    escalated = beijing(2026, 11, 4, 9)
    follow_up = beijing(2026, 11, 5, 11)  # Thursday
    decision = check(follow_up, beijing(2026, 11, 6, 10), reminded, escalated)
    # Friday 6th, Monday 9th and Tuesday 10th pass in silence.
    assert decision == ReminderDecision(ReminderAction.NOTHING, beijing(2026, 11, 11, 9))
    assert check(follow_up, beijing(2026, 11, 11, 9), reminded, escalated).action is ReminderAction.REMIND_STAFF


@dataclass
class DemandState:
    anchor_at: datetime
    reminded_at: datetime | None = None
    escalated_at: datetime | None = None


def sweep(
    state: DemandState, start: datetime, end: datetime, policy: FollowUpReminderPolicy
) -> list[tuple[str, datetime]]:
    """A job that looks every 30 minutes and persists what it sent, as the real one will."""
    sent: list[tuple[str, datetime]] = []
    now = start
    while now < end:
        decision = decide(
            anchor_at=state.anchor_at,
            now=now,
            reminded_at=state.reminded_at,
            escalated_at=state.escalated_at,
            policy=policy,
            hours=HOURS,
        )
        if decision.action is ReminderAction.REMIND_STAFF:
            state.reminded_at = now
            sent.append(("remind", now))
        elif decision.action is ReminderAction.ESCALATE:
            state.escalated_at = now
            sent.append(("escalate", now))
        if decision.next_check_at is not None:
            assert decision.next_check_at >= now
        now += timedelta(minutes=30)
    return sent


def test_across_the_spring_festival_each_fires_once_on_working_days_and_not_again_after_a_restart() -> None:
    policy = FollowUpReminderPolicy(remind_after_working_days=2, escalate_after_working_days=2)
    state = DemandState(anchor_at=beijing(2026, 2, 12, 11))  # Thursday before the 2026 Spring Festival
    sent = sweep(state, beijing(2026, 2, 12, 12), beijing(2026, 2, 26, 12), policy)
    # Friday 13th and the make-up Saturday 14th pass; 15–23 February are holidays; Tuesday 24th at opening.
    assert sent == [("remind", beijing(2026, 2, 24, 9))]
    sent += sweep(state, beijing(2026, 2, 26, 12), beijing(2026, 3, 10), policy)  # a restart: state kept
    assert sent == [("remind", beijing(2026, 2, 24, 9)), ("escalate", beijing(2026, 2, 27, 9))]
    assert sweep(state, beijing(2026, 2, 12), beijing(2026, 3, 20), policy) == []


def test_beyond_the_holiday_data_the_count_follows_weekdays_and_the_operators_overrides() -> None:
    docked = beijing(2026, 12, 30, 10)  # Wednesday; the package's data ends with 2026
    # Documented fallback: without an override, New Year's Day 2027 (a Friday) counts as a working day.
    assert reminder_due_at(docked, THREE_THEN_TWO, HOURS) == beijing(2027, 1, 5, 9)
    with_notice = office(CalendarOverrides.of(holidays=[date(2027, 1, 1)]))
    assert reminder_due_at(docked, THREE_THEN_TWO, with_notice) == beijing(2027, 1, 6, 9)
    assert check(docked, beijing(2027, 1, 5, 10), hours=with_notice).action is ReminderAction.NOTHING


@pytest.mark.parametrize(("remind", "escalate"), [(0, 2), (3, 0), (-1, 1)])
def test_periods_are_at_least_one_working_day(remind: int, escalate: int) -> None:
    with pytest.raises(ValueError, match="at least one working day"):
        FollowUpReminderPolicy(remind_after_working_days=remind, escalate_after_working_days=escalate)
