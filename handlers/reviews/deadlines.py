"""Review deadlines in the running process: the business calendar, and the clock events a review records.

Every change to a stage's clock appends a `review_events` row and folds it onto the review's projection
(`clock_since`, `clock_used`, `due_on`); `rebuild_clock` folds the whole history again and must agree.
bot.bootstrap configures the calendar (the loaded holiday schedules, Settings.timezone, office hours) and the
demand review's limit; handlers read no settings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from cards.outbound import CardUpdate
from cards.review import due_text, due_update, paused_text
from handlers.calendar.office_hours import OfficeHours
from handlers.reviews.chains import CHAINS, Chain, demand_review, register_chain
from handlers.reviews.clock import ClockEvent, ClockState, RecordedEvent, explain, overdue_working_days, rebuild, step
from store.models.demands import Review, ReviewEvent, ReviewTask
from store.transaction import Transaction
from store.uow import UnitOfWork


@dataclass
class _Configured:
    hours: OfficeHours | None = None


_CONFIGURED = _Configured()


def configure_review_deadlines(hours: OfficeHours, *, demand_review_days: int) -> None:
    """Called once per process by bot.bootstrap (and by tests that want another calendar)."""
    _CONFIGURED.hours = hours
    register_chain(demand_review(demand_review_days))


def review_hours() -> OfficeHours:
    """The business calendar; before any configuration, the shipped schedules in Beijing time."""
    if _CONFIGURED.hours is None:
        from store.working_calendar import ChineseWorkingCalendar

        _CONFIGURED.hours = OfficeHours(ChineseWorkingCalendar(), ZoneInfo("Asia/Shanghai"))
    return _CONFIGURED.hours


def _limits(chain: Chain) -> _StageLimits:
    return _StageLimits(chain)


@dataclass(frozen=True)
class _StageLimits:
    chain: Chain

    def __call__(self, stage: int) -> int | None:
        return self.chain.stage(stage).limit if 0 <= stage < len(self.chain.stages) else None


def state_of(review: Review) -> ClockState:
    """The projection stored on the review."""
    chain = CHAINS.get(review.chain)
    limit = _limits(chain)(review.stage) if chain is not None else None
    return ClockState(review.stage, limit, review.clock_since, review.clock_used or 0, review.due_on)


async def record_clock_event(
    uow: Transaction,
    chain: Chain,
    review: Review,
    kind: ClockEvent,
    *,
    stage: int | None = None,
    note: str | None = None,
) -> ClockState:
    """Append the event and fold it onto the review's projection (call it under the review's update)."""
    hours = review_hours()
    now = uow.clock.now()
    event = RecordedEvent(kind, review.stage if stage is None else stage, hours.local_date(now))
    uow.session.add(
        ReviewEvent(review_id=review.id, stage=event.stage, kind=str(kind), at=now, on_day=event.on, note=note)
    )
    state = step(
        state_of(review) if kind is not ClockEvent.OPENED else ClockState(), event, _limits(chain), hours.calendar
    )
    review.clock_since, review.clock_used, review.due_on = state.running_since, state.used, state.due_on
    return state


async def rebuild_clock(uow: UnitOfWork, review: Review) -> ClockState:
    """The clock folded from the review's events alone."""
    rows = await uow.session.scalars(
        select(ReviewEvent).where(ReviewEvent.review_id == review.id).order_by(ReviewEvent.id)
    )
    events = [RecordedEvent(ClockEvent(row.kind), row.stage, row.on_day) for row in rows]
    return rebuild(events, _limits(CHAINS[review.chain]), review_hours().calendar)


def clock_from(chain: str, events: Iterable[RecordedEvent]) -> ClockState:
    """A review's clock folded from the given events (e.g. those up to a past day: its state back then)."""
    found = CHAINS.get(chain)
    if found is None:
        return ClockState()
    return rebuild(events, _limits(found), review_hours().calendar)


def overdue_on(due_on: date, day: date) -> bool:
    """Whether a stage due on `due_on` is overdue on that local day (a working day past it)."""
    hours = review_hours()
    return overdue_working_days(due_on, day, hours.calendar) > 0


def explain_clock(state: ClockState) -> str:
    return explain(state, review_hours().calendar)


def local_today(now: datetime) -> date:
    return review_hours().local_date(now)


def overdue_days(due_on: date, now: datetime) -> int:
    hours = review_hours()
    return overdue_working_days(due_on, hours.local_date(now), hours.calendar)


def due_moment(due_on: date) -> datetime:
    """The end of the due day's office hours, in UTC: the DingTalk to-do's dueTime."""
    hours = review_hours()
    return datetime.combine(due_on, hours.closes, tzinfo=hours.timezone).astimezone(UTC)


def receipt_number(review: Review) -> str:
    """The round's receipt number (受理编号): its local submission day and the review's id, e.g. 20261207-000042."""
    return f"{review_hours().local_date(review.created_at):%Y%m%d}-{review.id:06d}"


async def pause_clock(uow: UnitOfWork, review: Review, note: str) -> ClockState:
    """The stage waits for something whose time does not count (an expert's review): its clock stops, keeping the
    working days used; the stage's cards say so. Call it holding the review's row lock."""
    state = await record_clock_event(uow, CHAINS[review.chain], review, ClockEvent.PAUSED, note=note)
    await _update_cards(uow, review, paused_text(note))
    return state


async def resume_clock(uow: UnitOfWork, review: Review, note: str) -> ClockState:
    """The clock runs again for the working days left; the cards show the new due date."""
    state = await record_clock_event(uow, CHAINS[review.chain], review, ClockEvent.RESUMED, note=note)
    if state.due_on is not None:
        await _update_cards(uow, review, due_text(state.due_on, overdue_days(state.due_on, uow.clock.now())))
    return state


async def _update_cards(uow: UnitOfWork, review: Review, text: str) -> None:
    tasks = await uow.session.scalars(
        select(ReviewTask)
        .where(
            ReviewTask.review_id == review.id,
            ReviewTask.stage == review.stage,
            ReviewTask.done.is_(False),
            ReviewTask.userid.is_not(None),
        )
        .order_by(ReviewTask.id)
    )
    for task in tasks:
        send_due_update(uow, task, text)


def send_due_update(uow: UnitOfWork, task: ReviewTask, text: str) -> None:
    """The task's card shows the due line `text` (after its create, in order with its other updates)."""
    assert task.userid is not None
    uow.send_later(
        CardUpdate(
            recipient=task.userid,
            out_track_id=task.out_track_id,
            card_data=due_update(text),
            source=f"review_task:{task.id}",
        )
    )
