"""A stage's reviewer tasks: each one a DingTalk card and a DingTalk to-do, opened and closed through the outbox."""

from __future__ import annotations

from sqlalchemy import bindparam, select, update

from cards.outbound import CardCreate, CardUpdate, TodoComplete, TodoCreate
from cards.review import ReviewCardView, decided_status, decided_update, due_text, review_card
from handlers.errors import Conflict
from handlers.reviews.chains import CHAINS, Chain
from handlers.reviews.clock import ClockEvent
from handlers.reviews.deadlines import due_moment, overdue_days, record_clock_event
from handlers.reviews.reviewers import name_of, reviewers, userid_of
from store.base import table_of
from store.models.demands import Review, ReviewTask
from store.models.outbox import OutboxMessage
from store.transaction import Transaction

TEMPLATE_ID = "kezhuan.review.schema"

# Core, built once: a decision closes its stage on the card's ack path.
_TASKS, _OUTBOX = table_of(ReviewTask), table_of(OutboxMessage)
# The stage's open tasks closed in one statement, each answering its card, its to-do row and the to-do's id if
# DingTalk created it already.
_CLOSE_STAGE = (
    update(_TASKS)
    .where(
        _TASKS.c.review_id == bindparam("of_review"), _TASKS.c.stage == bindparam("of_stage"), _TASKS.c.done.is_(False)
    )
    .values(done=True, note=bindparam("task_note"))
    .returning(
        _TASKS.c.id,
        _TASKS.c.userid,
        _TASKS.c.out_track_id,
        _TASKS.c.todo_outbox_id,
        select(_OUTBOX.c.provider_message_id)
        .where(_OUTBOX.c.id == _TASKS.c.todo_outbox_id)
        .correlate(_TASKS)
        .scalar_subquery()
        .label("provider_message_id"),
    )
)


async def open_stage(uow: Transaction, chain: Chain, review: Review) -> list[ReviewTask]:
    """One card and one to-do per reviewer of the review's current stage. A reviewer not yet in DingTalk gets a
    task without them; `deliver_waiting_tasks` sends both once they join."""
    stage = chain.stage(review.stage)
    accounts = await reviewers(uow, stage, institution_id=review.institution_id, region_code=review.region_code)
    if not accounts:
        raise Conflict(f"「{stage.name}」环节暂无审核人，请联系管理员", code="no_reviewer")
    await record_clock_event(uow, chain, review, ClockEvent.OPENED)
    view = await _card_view(uow, chain, review)
    tasks = []
    for account_id in accounts:
        userid = await userid_of(uow, account_id)
        task = ReviewTask(
            review_id=review.id,
            stage=review.stage,
            reviewer_account_id=account_id,
            userid=userid,
            out_track_id=f"review-{review.id}-{review.stage}-{account_id}",
            done=False,
            created_at=uow.clock.now(),
        )
        uow.session.add(task)
        await uow.session.flush()
        if userid is not None:
            await _deliver(uow, chain, review, view, task, userid)
        tasks.append(task)
    return tasks


async def _card_view(uow: Transaction, chain: Chain, review: Review) -> ReviewCardView:
    submitter = await name_of(uow, review.submitter_account_id)
    due = due_text(review.due_on, overdue_days(review.due_on, uow.clock.now()) if review.due_on else 0)
    return ReviewCardView(
        review.id,
        review.stage,
        chain.label,
        review.title,
        review.summary,
        submitter,
        chain.stage(review.stage).name,
        review.link,
        due,
    )


async def _deliver(
    uow: Transaction, chain: Chain, review: Review, view: ReviewCardView, task: ReviewTask, userid: str
) -> None:
    source = f"review_task:{task.id}"
    await uow.send(
        CardCreate(
            recipient=userid,
            out_track_id=task.out_track_id,
            template_id=TEMPLATE_ID,
            card_data=review_card(view),
            source=source,
        )
    )
    todo = TodoCreate(
        recipient=userid,
        source_id=task.out_track_id,
        subject=f"{chain.label}：{review.title}",
        description=f"{view.stage_name} · 提交人：{view.submitter}",
        detail_url=review.link or None,
        # The to-do's dueTime (ms epoch): the close of office hours on the due day.
        due_ms=int(due_moment(review.due_on).timestamp() * 1000) if review.due_on is not None else None,
        source=source,
    )
    task.todo_outbox_id = await uow.send(todo)


async def deliver_waiting_tasks(uow: Transaction, account_id: int, userid: str) -> int:
    """A reviewer has just been bound to DingTalk as `userid`: each open task opened while they were not there
    gets its card and to-do now, so a review assigned before they joined is not lost. Under the caller's lock on
    the account; returns how many tasks were delivered."""
    waiting = (
        await uow.session.scalars(
            select(ReviewTask)
            .where(
                ReviewTask.reviewer_account_id == account_id, ReviewTask.done.is_(False), ReviewTask.userid.is_(None)
            )
            .order_by(ReviewTask.id)
            .with_for_update()
        )
    ).all()
    delivered = 0
    for task in waiting:
        review = await uow.session.get(Review, task.review_id)
        chain = CHAINS.get(review.chain) if review is not None else None
        if review is None or chain is None or review.stage != task.stage:
            continue
        task.userid = userid
        await _deliver(uow, chain, review, await _card_view(uow, chain, review), task, userid)
        delivered += 1
    return delivered


async def close_stage(uow: Transaction, review: Review, stage: int, outcome: str, by: str, reason: str | None) -> None:
    """Every card of the stage says who decided; every to-do is completed.

    One statement whatever the number of reviewers closes the open tasks; the card updates and to-do
    completions join the transaction's other messages in one INSERT."""
    note = decided_status(outcome, by, reason)
    chain = CHAINS.get(review.chain)
    if chain is not None:
        await record_clock_event(uow, chain, review, ClockEvent.CLOSED, stage=stage, note=outcome)
    closed = (
        await uow.session.execute(_CLOSE_STAGE, {"of_review": review.id, "of_stage": stage, "task_note": note})
    ).all()
    if not closed:
        return
    open_tasks = sorted(closed, key=lambda task: int(task.id))
    card_data = decided_update(outcome, by, reason)
    for task in open_tasks:
        if task.userid is None:
            continue
        source = f"review_task:{task.id}"
        # Each goes out after the card's create and the to-do's create (their ordering keys): a decision right
        # after the submission still reaches a card that exists, and completes a to-do created meanwhile; a to-do
        # not yet created when its completion is queued is never created.
        uow.send_later(
            CardUpdate(recipient=task.userid, out_track_id=task.out_track_id, card_data=card_data, source=source)
        )
        if task.todo_outbox_id is not None:
            uow.send_later(
                TodoComplete(
                    recipient=task.userid,
                    source_id=task.out_track_id,
                    task_id=task.provider_message_id or None,
                    source=source,
                )
            )
