"""The reminder job: for each demand in docking whose check is due, ask `decide` and send what it says.

Each demand is handled in its own transaction under the demand's row lock: the reminder row records what was
sent in the same commit as the outbox message, so a restart, a re-run or a second instance sends nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from cards.follow_up import SilentDemand, escalation_card, reminder_card
from cards.outbound import WorkNotice
from handlers.calendar.office_hours import OfficeHours
from handlers.demands.access import locked
from handlers.demands.policy import DemandPolicy
from handlers.follow_up_reminders.policy import FollowUpReminderPolicy
from handlers.follow_up_reminders.timing import ReminderAction, decide
from handlers.follow_ups.access import docking_centre_id
from handlers.reviews.reviewers import name_of, userid_of
from store.models.auth import DingTalkBinding
from store.models.demands import Demand, DemandEvent, DemandStatus
from store.models.follow_ups import FollowUpReminder
from store.models.organisation import CLOSED_STATUSES, Account, AccountRole, Role
from store.uow import UnitOfWork

# 已公开 is docking too: the publisher's staff until an acceptance, then the accepting institution's.
DOCKING_STATES = (DemandStatus.DOCKING, DemandStatus.PUBLISHED)


@dataclass(frozen=True)
class RemindersSent:
    reminded: int
    escalated: int


async def send_due_reminders(
    new_uow: Callable[[], UnitOfWork],
    policy: FollowUpReminderPolicy,
    hours: OfficeHours,
    demands: DemandPolicy,
) -> RemindersSent:
    async with new_uow() as uow:
        now = uow.clock.now()
        due = list(
            await uow.session.scalars(
                select(Demand.id)
                .outerjoin(FollowUpReminder, FollowUpReminder.demand_id == Demand.id)
                .where(
                    Demand.status.in_(DOCKING_STATES),
                    Demand.staff_account_id.is_not(None),
                    or_(FollowUpReminder.demand_id.is_(None), FollowUpReminder.next_check_at <= now),
                )
                .order_by(Demand.id)
            )
        )
    reminded = escalated = 0
    for demand_id in due:
        async with new_uow() as uow:
            action = await _check(uow, demand_id, policy, hours, demands)
            await uow.commit()
        reminded += action is ReminderAction.REMIND_STAFF
        escalated += action is ReminderAction.ESCALATE
    return RemindersSent(reminded, escalated)


async def _check(
    uow: UnitOfWork, demand_id: int, policy: FollowUpReminderPolicy, hours: OfficeHours, demands: DemandPolicy
) -> ReminderAction:
    demand = await locked(uow, demand_id)
    now = uow.clock.now()
    if demand.status not in DOCKING_STATES or demand.staff_account_id is None:
        return ReminderAction.NOTHING
    row = await uow.session.get(FollowUpReminder, demand.id)
    if row is None:
        row = FollowUpReminder(
            demand_id=demand.id,
            anchor_at=await _docked_at(uow, demand),
            reminded_at=None,
            escalated_at=None,
            next_check_at=None,
        )
        uow.session.add(row)
    elif row.next_check_at is None or row.next_check_at > now:
        return ReminderAction.NOTHING  # another run got here first
    decision = decide(
        anchor_at=row.anchor_at,
        now=now,
        reminded_at=row.reminded_at,
        escalated_at=row.escalated_at,
        policy=policy,
        hours=hours,
    )
    row.next_check_at = decision.next_check_at
    if decision.action is ReminderAction.NOTHING:
        return decision.action
    view = SilentDemand(
        demand.id,
        demand.number,
        demand.title,
        await name_of(uow, demand.staff_account_id),
        f"{hours.local_date(row.anchor_at):%Y-%m-%d}",
        demands.link(demand.id),
    )
    source = f"demand:{demand.id}"
    if decision.action is ReminderAction.REMIND_STAFF:
        row.reminded_at = now
        recipients = [u for u in [await userid_of(uow, demand.staff_account_id)] if u is not None]
        msg, record = reminder_card(view), f"需求 {demand.number} 跟进提醒"
    else:
        row.escalated_at = now
        recipients = await _centre_admins(uow, demand)
        msg, record = escalation_card(view), f"需求 {demand.number} 跟进督办"
    for userid in recipients:
        await uow.send(WorkNotice(recipient=userid, msg=msg, record=record, source=source))
    uow.record(
        "demand",
        demand.id,
        f"follow_up_{decision.action}",
        actor="system:follow-up-reminders",
        data={"anchor_at": row.anchor_at.isoformat(), "recipients": recipients},
    )
    return decision.action


async def _docked_at(uow: UnitOfWork, demand: Demand) -> datetime:
    """The start of docking: the latest step into docking (the approval); the first silence counts from it."""
    at = await uow.session.scalar(
        select(func.max(DemandEvent.at)).where(
            DemandEvent.demand_id == demand.id,
            DemandEvent.to_status == DemandStatus.DOCKING,
            or_(DemandEvent.from_status.is_(None), DemandEvent.from_status != DemandStatus.DOCKING),
        )
    )
    return at if at is not None else demand.updated_at


async def _centre_admins(uow: UnitOfWork, demand: Demand) -> list[str]:
    """DingTalk userids of the docking centre's active admins (after an acceptance, the accepting staff
    member's centre)."""
    centre_id = await docking_centre_id(uow, demand)
    if centre_id is None:
        return []
    return sorted(
        set(
            await uow.session.scalars(
                select(DingTalkBinding.userid)
                .join(AccountRole, AccountRole.account_id == DingTalkBinding.account_id)
                .join(Account, Account.id == AccountRole.account_id)
                .where(
                    AccountRole.role == Role.CENTRE_ADMIN,
                    AccountRole.centre_id == centre_id,
                    Account.status.not_in(list(CLOSED_STATUSES)),
                )
            )
        )
    )
