"""A stage's reviewer tasks: each one a DingTalk card and a DingTalk to-do, opened and closed through the outbox."""

from __future__ import annotations

from sqlalchemy import select, update

from cards.review import ReviewCardView, decided_status, decided_update, review_card
from handlers.errors import Conflict
from handlers.reviews.chains import Chain
from handlers.reviews.reviewers import name_of, reviewers, userid_of
from store.models.demands import Review, ReviewTask
from store.models.outbox import OutboxMessage, OutboxStatus
from store.uow import UnitOfWork

TEMPLATE_ID = "kezhuan.review.schema"


async def open_stage(uow: UnitOfWork, chain: Chain, review: Review) -> list[ReviewTask]:
    """One card and one to-do per reviewer of the review's current stage."""
    stage = chain.stage(review.stage)
    accounts = await reviewers(uow, stage, institution_id=review.institution_id, region_code=review.region_code)
    if not accounts:
        raise Conflict(f"「{stage.name}」环节暂无审核人，请联系管理员", code="no_reviewer")
    submitter = await name_of(uow, review.submitter_account_id)
    view = ReviewCardView(review.id, review.stage, chain.label, review.title, review.summary, submitter,
                          stage.name, review.link)
    tasks = []
    for account_id in accounts:
        userid = await userid_of(uow, account_id)
        task = ReviewTask(review_id=review.id, stage=review.stage, reviewer_account_id=account_id, userid=userid,
                          out_track_id=f"review-{review.id}-{review.stage}-{account_id}", done=False,
                          created_at=uow.clock.now())
        uow.session.add(task)
        await uow.session.flush()
        if userid is not None:
            source = f"review_task:{task.id}"
            await uow.send("dingtalk.card", userid, {"template_id": TEMPLATE_ID, "card_data": review_card(view)},
                           platform_key=task.out_track_id, source=source)
            task.todo_outbox_id = await uow.send(
                "dingtalk.todo", userid,
                {"op": "create", "subject": f"{chain.label}：{review.title}", "source_id": task.out_track_id,
                 "description": f"{stage.name} · 提交人：{submitter}", "detail_url": review.link or None},
                source=source)
        tasks.append(task)
    return tasks


async def close_stage(uow: UnitOfWork, review: Review, stage: int, outcome: str, by: str,
                      reason: str | None) -> None:
    """Every card of the stage says who decided; every to-do is completed.

    Two statements whatever the number of reviewers: the open tasks with their to-do's state, and one UPDATE
    closing them; the card updates and to-do completions join the transaction's other messages in one INSERT."""
    open_tasks = (await uow.session.execute(
        select(ReviewTask.id, ReviewTask.userid, ReviewTask.out_track_id, ReviewTask.todo_outbox_id,
               OutboxMessage.provider_message_id)
        .outerjoin(OutboxMessage, OutboxMessage.id == ReviewTask.todo_outbox_id)
        .where(ReviewTask.review_id == review.id, ReviewTask.stage == stage, ReviewTask.done.is_(False))
        .order_by(ReviewTask.id))).all()
    if not open_tasks:
        return
    note = decided_status(outcome, by, reason)
    await uow.session.execute(update(ReviewTask).where(ReviewTask.id.in_([t.id for t in open_tasks]))
                              .values(done=True, note=note))
    card_data = decided_update(outcome, by, reason)
    uncreated: list[int] = []
    for task in open_tasks:
        if task.userid is None:
            continue
        source = f"review_task:{task.id}"
        uow.send_later("dingtalk.card_update", task.userid, {"out_track_id": task.out_track_id,
                                                             "card_data": card_data}, source=source)
        if task.todo_outbox_id is None:
            continue
        if task.provider_message_id:
            uow.send_later("dingtalk.todo", task.userid, {"op": "complete", "task_id": task.provider_message_id},
                           source=source)
        else:
            uncreated.append(task.todo_outbox_id)
    if uncreated:
        # Not created yet: they never need to be. A relay that holds one right now (sending) creates an open
        # to-do the reviewer can still finish by hand: the rare window is logged in the row's reason.
        await uow.session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(uncreated), OutboxMessage.status == OutboxStatus.PENDING)
            .values(status=OutboxStatus.DEAD, dead_reason="review decided before the to-do was created",
                    updated_at=uow.clock.now()).execution_options(synchronize_session=False))
