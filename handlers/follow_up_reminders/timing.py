"""When a demand in docking without follow-up reminds its staff member, and when it escalates (pure).

A period of N working days means N whole working days after the local day of the anchor (the last follow-up,
or the start of docking) have passed without a follow-up: the reminder is due at the opening of the next
working day. Holidays do not count and make-up workdays (调休) do. The escalation period counts from the day
the staff reminder actually went out, so a late reminder still leaves the staff member their full period.
Anything due outside office hours waits for the next opening; nothing is sent twice for the same anchor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from handlers.calendar.office_hours import OfficeHours
from handlers.follow_up_reminders.policy import FollowUpReminderPolicy


class ReminderAction(StrEnum):
    NOTHING = "nothing"
    REMIND_STAFF = "remind_staff"
    ESCALATE = "escalate"


@dataclass(frozen=True)
class ReminderDecision:
    action: ReminderAction
    # When to look again (UTC); None: nothing more is due until a new follow-up moves the anchor.
    next_check_at: datetime | None


def _due_after(day: date, working_days: int, hours: OfficeHours) -> datetime:
    return hours.opening(hours.calendar.add_working_days(day, working_days + 1))


def reminder_due_at(anchor_at: datetime, policy: FollowUpReminderPolicy, hours: OfficeHours) -> datetime:
    return _due_after(hours.local_date(anchor_at), policy.remind_after_working_days, hours)


def escalation_due_at(reminded_at: datetime, policy: FollowUpReminderPolicy, hours: OfficeHours) -> datetime:
    return _due_after(hours.local_date(reminded_at), policy.escalate_after_working_days, hours)


def decide(
    *,
    anchor_at: datetime,
    now: datetime,
    reminded_at: datetime | None,
    escalated_at: datetime | None,
    policy: FollowUpReminderPolicy,
    hours: OfficeHours,
) -> ReminderDecision:
    """What the reminder job does now for one demand; `reminded_at`/`escalated_at` are what it already sent."""
    # A reminder sent before the latest follow-up belonged to an earlier silence.
    if reminded_at is not None and reminded_at < anchor_at:
        reminded_at = None
    if escalated_at is not None and escalated_at < anchor_at:
        escalated_at = None
    if escalated_at is not None:
        return ReminderDecision(ReminderAction.NOTHING, None)
    if reminded_at is None:
        action, due = ReminderAction.REMIND_STAFF, reminder_due_at(anchor_at, policy, hours)
    else:
        action, due = ReminderAction.ESCALATE, escalation_due_at(reminded_at, policy, hours)
    if now < due:
        return ReminderDecision(ReminderAction.NOTHING, due)
    if not hours.is_open(now):
        return ReminderDecision(ReminderAction.NOTHING, hours.next_office_time(now))
    if action is ReminderAction.REMIND_STAFF:
        return ReminderDecision(action, escalation_due_at(now, policy, hours))
    return ReminderDecision(action, None)
