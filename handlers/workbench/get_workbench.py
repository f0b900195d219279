"""The counts the workbench home shows the caller: reviews waiting for them, follow-ups due on the demands they
dock, demands in docking they see, and their contribution points. A count that does not apply to the caller's
roles is None (the page leaves it out), never a zero that could be mistaken for "nothing to do"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from handlers.calendar.office_hours import OfficeHours
from handlers.demands.scope import can_see_demands, visible_demands
from handlers.follow_up_reminders.policy import FollowUpReminderPolicy
from handlers.follow_up_reminders.send_due_reminders import DOCKING_STATES
from handlers.follow_up_reminders.timing import reminder_due_at
from handlers.organisation.actors import Actor, load_actor
from handlers.reviews.deadlines import overdue_days
from handlers.reviews.waiting import waiting_for
from store.models.demands import Demand, DemandEvent, DemandStatus, Review, ReviewTask
from store.models.follow_ups import FollowUpReminder
from store.models.organisation import Role
from store.models.points import PointEntry
from store.transaction import Transaction
from store.uow import UnitOfWork

# Who docks demands (seed 004 §一.3: a centre admin may dock as a staff member does).
_DOCKERS = (Role.STAFF, Role.CENTRE_ADMIN)


@dataclass(frozen=True)
class GetWorkbench:
    actor_id: int


@dataclass(frozen=True)
class Workbench:
    pending_reviews: int  # review tasks waiting for the caller at their current stage
    overdue_reviews: int  # of which past their due date
    follow_ups_due: int | None  # the caller's demands in docking whose follow-up reminder is due (staff, centre admin)
    docking_demands: int | None  # demands in docking (对接中, 已公开) within what the caller sees
    points: int | None  # contribution points (staff)


async def get_workbench(
    cmd: GetWorkbench, uow: UnitOfWork, policy: FollowUpReminderPolicy, hours: OfficeHours
) -> Workbench:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        return await workbench_counts(uow, actor, policy, hours)


async def workbench_counts(
    tx: Transaction, actor: Actor, policy: FollowUpReminderPolicy, hours: OfficeHours
) -> Workbench:
    now = tx.clock.now()
    due_dates = (
        await tx.session.scalars(
            select(Review.due_on)
            .join(ReviewTask, ReviewTask.review_id == Review.id)
            .where(waiting_for(actor.account_id))
        )
    ).all()
    overdue = sum(1 for due_on in due_dates if due_on is not None and overdue_days(due_on, now) > 0)
    follow_ups = await _follow_ups_due(tx, actor.account_id, now, policy, hours) if _docks(actor) else None
    docking = None
    if can_see_demands(actor):
        where = (await visible_demands(tx, actor)) & Demand.status.in_(DOCKING_STATES)
        docking = int(await tx.session.scalar(select(func.count()).select_from(Demand).where(where)) or 0)
    points = None
    if actor.has(Role.STAFF):
        points = int(
            await tx.session.scalar(
                select(func.coalesce(func.sum(PointEntry.points), 0)).where(PointEntry.account_id == actor.account_id)
            )
            or 0
        )
    return Workbench(len(due_dates), overdue, follow_ups, docking, points)


def _docks(actor: Actor) -> bool:
    return any(actor.has(role) for role in _DOCKERS)


async def _follow_ups_due(
    tx: Transaction, account_id: int, now: datetime, policy: FollowUpReminderPolicy, hours: OfficeHours
) -> int:
    """Due as the reminder job counts it (send_due_reminders): the silence since the anchor (the last follow-up or
    change of staff, else the latest step into docking) has lasted the reminder period, whether or not the job
    has run yet."""
    docked_at = (
        select(func.max(DemandEvent.at))
        .where(
            DemandEvent.demand_id == Demand.id,
            DemandEvent.to_status == DemandStatus.DOCKING,
            or_(DemandEvent.from_status.is_(None), DemandEvent.from_status != DemandStatus.DOCKING),
        )
        .scalar_subquery()
    )
    rows = await tx.session.execute(
        select(Demand.updated_at, FollowUpReminder.anchor_at, docked_at)
        .outerjoin(FollowUpReminder, FollowUpReminder.demand_id == Demand.id)
        .where(Demand.staff_account_id == account_id, Demand.status.in_(DOCKING_STATES))
    )
    due = 0
    for updated_at, anchor_at, stepped_in_at in rows:
        anchor = anchor_at or stepped_in_at or updated_at
        due += reminder_due_at(anchor, policy, hours) <= now
    return due
