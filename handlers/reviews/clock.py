"""A review stage's clock, derived from the review's events (pure).

The clock of a stage starts when its tasks open (event `opened`); the limit counts whole working days after
that day, so a stage opened on Monday 7 December with 3 working days is due on Thursday 10 December. A pause
(`paused`, e.g. awaiting an expert) stops it and keeps the working days used; `resumed` starts it again for the
days left. A decision, a return for update (退回修改 / 补正) or a withdrawal ends the round (`closed`): a
resubmission is a new round, a new review, with a fresh clock. Nothing is a counter edited in place: the state
folds the events, so it can be rebuilt and explained at any time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from handlers.calendar.ports import WorkingCalendar


class ClockEvent(StrEnum):
    OPENED = "opened"  # a stage's tasks opened (the first submission, a resubmission, an advance)
    PAUSED = "paused"  # the stage waits for something whose time does not count (an expert's review)
    RESUMED = "resumed"
    CLOSED = "closed"  # decided, returned for update, withdrawn


@dataclass(frozen=True)
class ClockState:
    stage: int = 0
    limit: int | None = None  # working days; None: the stage has no clock
    running_since: date | None = None  # the local day the clock last (re)started; None: stopped
    used: int = 0  # working days used before the last pause
    due_on: date | None = None  # None while stopped or without a limit

    @property
    def running(self) -> bool:
        return self.running_since is not None


@dataclass(frozen=True)
class RecordedEvent:
    kind: ClockEvent
    stage: int
    on: date  # the event's local business day


def step(
    state: ClockState, event: RecordedEvent, limit_of: Callable[[int], int | None], calendar: WorkingCalendar
) -> ClockState:
    """The clock after one more event; `limit_of(stage)` is the stage's declared limit."""
    if event.kind is ClockEvent.OPENED:
        limit = limit_of(event.stage)
        if limit is None:
            return ClockState(stage=event.stage)
        return ClockState(event.stage, limit, event.on, 0, calendar.add_working_days(event.on, limit))
    if event.stage != state.stage or state.limit is None:
        return state
    if event.kind is ClockEvent.PAUSED:
        if state.running_since is None:
            return state
        used = state.used + max(calendar.working_days_between(state.running_since, event.on), 0)
        return replace(state, running_since=None, used=used, due_on=None)
    if event.kind is ClockEvent.RESUMED:
        if state.running_since is not None:
            return state
        left = max(state.limit - state.used, 0)
        return replace(state, running_since=event.on, due_on=calendar.add_working_days(event.on, left))
    return replace(state, running_since=None, due_on=None)


def rebuild(
    events: Iterable[RecordedEvent], limit_of: Callable[[int], int | None], calendar: WorkingCalendar
) -> ClockState:
    state = ClockState()
    for event in events:
        state = step(state, event, limit_of, calendar)
    return state


def overdue_working_days(due_on: date, today: date, calendar: WorkingCalendar) -> int:
    """Working days past the due date (0 up to and on it)."""
    return max(calendar.working_days_between(due_on, today), 0) if today > due_on else 0


def remind_on(due_on: date, remind_before: int, calendar: WorkingCalendar) -> date:
    return calendar.add_working_days(due_on, -remind_before)


def explain(state: ClockState, calendar: WorkingCalendar) -> str:
    """「due 2026-12-10: 3 working days from 2026-12-07 (12-08, 12-09, 12-10), excluding 12-12 12-13」."""
    if state.limit is None:
        return "no time limit"
    if state.running_since is None or state.due_on is None:
        return f"stopped: {state.used} of {state.limit} working days used"
    counted: list[str] = []
    skipped: list[str] = []
    day = state.running_since + timedelta(days=1)
    while day <= state.due_on:
        (counted if calendar.is_working_day(day) else skipped).append(f"{day:%m-%d}")
        day += timedelta(days=1)
    text = (
        f"due {state.due_on.isoformat()}: {state.limit - state.used} working days from "
        f"{state.running_since.isoformat()} ({', '.join(counted)})"
    )
    if state.used:
        text += f" after {state.used} used before a pause"
    if skipped:
        text += f", excluding {', '.join(skipped)}"
    return text
