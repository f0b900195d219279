"""The review reminder job: reminders before the due date, a daily overdue count, one escalation.

For each pending review whose stage has a due date, in office hours on working days:
- on the reminder day (`remind_before` working days before the due date) each reviewer's card says
  「请于12月10日前处理（即将到期）」 and the reviewer gets a work notice;
- from the first working day after the due date, the cards say 「已逾期N个工作日」 (updated once per overdue working
  day) and the stage's escalation target (e.g. the city officials of the region) gets one work notice.

Exactly once across instances, re-runs and restarts: each review is handled in its own transaction under its row
lock, and what is sent is marked per (task, kind, due date) in `review_reminder_marks` in the same commit as the
outbox messages; the mark's unique key turns a racing second writer into a rolled-back no-op. A run that missed
its time sends late what is still due (never a reminder once the stage is overdue), and never twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from cards.outbound import text_notice
from cards.review import escalation_notice, overdue_text, reminder_notice, reminder_text
from handlers.calendar.office_hours import OfficeHours
from handlers.reviews.chains import CHAINS, Chain, Deadline, Stage
from handlers.reviews.clock import overdue_working_days, remind_on
from handlers.reviews.deadlines import review_hours, send_due_update
from handlers.reviews.reviewers import name_of, reviewers, userid_of
from store.models.demands import Review, ReviewReminderMark, ReviewStatus, ReviewTask
from store.models.organisation import Institution
from store.uow import UnitOfWork

REMIND, ESCALATE, OVERDUE = "remind", "escalate", "overdue"


@dataclass(frozen=True)
class ReviewRemindersSent:
    reminded: int  # reviews whose reviewers were reminded
    overdue: int  # reviews whose cards took a new overdue count
    escalated: int  # reviews escalated


async def send_review_reminders(
    new_uow: Callable[[], UnitOfWork], hours: OfficeHours | None = None, chains: Mapping[str, Chain] = CHAINS
) -> ReviewRemindersSent:
    hours = hours or review_hours()
    async with new_uow() as uow:
        now = uow.clock.now()
        if not hours.is_open(now):
            return ReviewRemindersSent(0, 0, 0)  # nothing reaches anyone at night or on a holiday
        ahead = max((s.deadline.remind_before for c in chains.values() for s in c.stages if s.deadline), default=0)
        horizon = hours.calendar.add_working_days(hours.local_date(now), ahead)
        due = list(
            await uow.session.scalars(
                select(Review.id)
                .where(Review.status == ReviewStatus.PENDING, Review.due_on.is_not(None), Review.due_on <= horizon)
                .order_by(Review.id)
            )
        )
    reminded = overdue = escalated = 0
    for review_id in due:
        try:
            async with new_uow() as uow:
                kinds = await _check(uow, review_id, hours, chains)
                await uow.commit()
        except IntegrityError:
            continue  # another instance marked (and sent) them first
        reminded += REMIND in kinds
        overdue += OVERDUE in kinds
        escalated += ESCALATE in kinds
    return ReviewRemindersSent(reminded, overdue, escalated)


def _wanted(deadline: Deadline, overdue_days: int, reminder_due: bool) -> list[str]:
    if overdue_days > 0:
        return [f"{OVERDUE}-{overdue_days}", *([ESCALATE] if deadline.escalate_to is not None else [])]
    return [REMIND] if reminder_due else []


async def _check(uow: UnitOfWork, review_id: int, hours: OfficeHours, chains: Mapping[str, Chain]) -> set[str]:
    review = await uow.session.scalar(select(Review).where(Review.id == review_id).with_for_update())
    chain = chains.get(review.chain) if review is not None else None
    if review is None or chain is None or review.status != ReviewStatus.PENDING or review.due_on is None:
        return set()
    stage = chain.stage(review.stage)
    if stage.deadline is None:
        return set()
    now = uow.clock.now()
    today, due_on = hours.local_date(now), review.due_on
    late = overdue_working_days(due_on, today, hours.calendar)
    reminder_due = stage.deadline.remind_before > 0 and today >= remind_on(
        due_on, stage.deadline.remind_before, hours.calendar
    )
    wanted = _wanted(stage.deadline, late, reminder_due)
    if not wanted:
        return set()
    tasks = list(
        await uow.session.scalars(
            select(ReviewTask)
            .where(ReviewTask.review_id == review.id, ReviewTask.stage == review.stage, ReviewTask.done.is_(False))
            .order_by(ReviewTask.id)
        )
    )
    rows = await uow.session.execute(
        select(ReviewReminderMark.task_id, ReviewReminderMark.kind).where(
            ReviewReminderMark.task_id.in_([t.id for t in tasks]), ReviewReminderMark.due_on == due_on
        )
    )
    marked = {(task_id, kind) for task_id, kind in rows}
    sent: set[str] = set()
    for kind in wanted:
        fresh = [task for task in tasks if (task.id, kind) not in marked]
        if not fresh:
            continue
        for task in fresh:
            uow.session.add(ReviewReminderMark(task_id=task.id, kind=kind, due_on=due_on, sent_at=now))
        sent.add(kind.split("-")[0])
        if kind == ESCALATE:
            await _escalate(uow, chain, stage, review, tasks, late)
            continue
        text = reminder_text(due_on) if kind == REMIND else overdue_text(late)
        for task in fresh:
            if task.userid is None:
                continue  # its card, once delivered, shows the current state
            send_due_update(uow, task, text)
            if kind == REMIND:
                notice = reminder_notice(chain.label, review.title, due_on, review.link)
                uow.send_later(
                    text_notice(
                        task.userid, notice, record=f"审核 {review.id} 到期提醒", source=f"review_task:{task.id}"
                    )
                )
    if sent:
        await uow.session.flush()  # a racing writer's duplicate mark fails here, before anything is committed
        uow.record(
            "review",
            review.id,
            "deadline_" + "_".join(sorted(sent)),
            actor="system:review-reminders",
            data={"stage": review.stage, "due_on": due_on.isoformat(), "overdue_days": late},
        )
    return sent


async def _escalate(
    uow: UnitOfWork, chain: Chain, stage: Stage, review: Review, tasks: list[ReviewTask], late: int
) -> None:
    """One work notice to each holder of the escalation role within its reach of the subject."""
    target = stage.deadline.escalate_to if stage.deadline is not None else None
    if target is None:
        return
    region = review.region_code
    if target.from_institution and review.institution_id is not None:
        region = (
            await uow.session.scalar(select(Institution.region_code).where(Institution.id == review.institution_id))
            or region
        )
    accounts = await reviewers(
        uow, Stage(stage.name, target.role, target.reach), institution_id=review.institution_id, region_code=region
    )
    names = "、".join([await name_of(uow, task.reviewer_account_id) for task in tasks]) or "暂无"
    assert review.due_on is not None
    text = escalation_notice(chain.label, review.title, stage.name, names, review.due_on, late, review.link)
    for account_id in accounts:
        userid = await userid_of(uow, account_id)
        if userid is not None:
            uow.send_later(text_notice(userid, text, record=f"审核 {review.id} 逾期督办", source=f"review:{review.id}"))
