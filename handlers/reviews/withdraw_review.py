"""The submitter takes a subject back while it is under review: the open round ends, its cards and to-dos close."""

from __future__ import annotations

from sqlalchemy import CursorResult, select, update

from handlers.errors import Conflict
from handlers.reviews.tasks import close_stage
from store.models.demands import Review, ReviewStatus
from store.transaction import Transaction


async def withdraw_review(uow: Transaction, subject_type: str, subject_id: int, *, actor: str) -> None:
    """Races a reviewer's decision through the same conditional update: exactly one of them wins."""
    review = await uow.session.scalar(
        select(Review).where(
            Review.subject_type == subject_type, Review.subject_id == subject_id, Review.status == ReviewStatus.PENDING
        )
    )
    if review is None:
        raise Conflict("审核已完成，无法撤回", code="review_decided")
    stage = review.stage
    result = await uow.session.execute(
        update(Review)
        .where(Review.id == review.id, Review.status == ReviewStatus.PENDING, Review.stage == stage)
        .values(status=ReviewStatus.WITHDRAWN, decided_at=uow.clock.now())
        .execution_options(synchronize_session=False)
    )
    if not isinstance(result, CursorResult) or result.rowcount != 1:
        raise Conflict("审核已完成，无法撤回", code="review_decided")
    uow.record("review", review.id, "withdrawn", actor=actor, data={"stage": stage})
    await close_stage(uow, review, stage, "withdrawn", "", None)
