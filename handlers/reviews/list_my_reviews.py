"""The reviews waiting for the caller (the workbench): each with its due date and overdue working days, soonest
due first, and the counts a badge shows (waiting, of which overdue)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from cards.review import due_text
from handlers.reviews.chains import CHAINS
from handlers.reviews.deadlines import overdue_days
from handlers.reviews.waiting import waiting_for
from store.models.demands import Review, ReviewTask
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ListMyReviews:
    actor_id: int


@dataclass(frozen=True)
class ReviewItem:
    review_id: int
    stage: int
    chain_name: str
    stage_name: str
    title: str
    link: str
    submitted_at: str  # ISO 8601
    due_on: date | None
    overdue_days: int
    due_text: str  # 「请于12月10日前处理」 / 「已逾期2个工作日」 / "" (no limit, or paused)


@dataclass(frozen=True)
class MyReviews:
    waiting: int
    overdue: int
    items: tuple[ReviewItem, ...]


async def list_my_reviews(cmd: ListMyReviews, uow: UnitOfWork) -> MyReviews:
    async with uow:
        now = uow.clock.now()
        rows = (
            (
                await uow.session.execute(
                    select(Review)
                    .join(ReviewTask, ReviewTask.review_id == Review.id)
                    .where(waiting_for(cmd.actor_id))
                    .order_by(Review.due_on.is_(None), Review.due_on, Review.id)
                )
            )
            .scalars()
            .all()
        )
        items = []
        for review in rows:
            chain = CHAINS.get(review.chain)
            late = overdue_days(review.due_on, now) if review.due_on is not None else 0
            items.append(
                ReviewItem(
                    review.id,
                    review.stage,
                    chain.label if chain else review.chain,
                    chain.stage(review.stage).name if chain else "",
                    review.title,
                    review.link,
                    review.created_at.isoformat(),
                    review.due_on,
                    late,
                    due_text(review.due_on, late),
                )
            )
    return MyReviews(len(items), sum(1 for item in items if item.overdue_days > 0), tuple(items))
