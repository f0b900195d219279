"""A subject enters a chain (first submission or a resubmission): a new round at the first stage."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from cards.outbound import text_notice
from cards.review import submitted_notice
from handlers.reviews.chains import Chain
from handlers.reviews.deadlines import receipt_number
from handlers.reviews.reviewers import userid_of
from handlers.reviews.tasks import open_stage
from store.models.demands import Review, ReviewStatus
from store.transaction import Transaction


@dataclass(frozen=True)
class ReviewSubject:
    subject_type: str
    subject_id: int
    title: str
    summary: str
    link: str
    institution_id: int | None
    region_code: str
    submitter_account_id: int


async def start_review(uow: Transaction, chain: Chain, subject: ReviewSubject) -> Review:
    """Runs inside the subject's use case, under its row lock; the round number is unique per subject."""
    last = await uow.session.scalar(
        select(func.max(Review.round)).where(
            Review.subject_type == subject.subject_type, Review.subject_id == subject.subject_id
        )
    )
    review = Review(
        chain=chain.name,
        subject_type=subject.subject_type,
        subject_id=subject.subject_id,
        round=(last or 0) + 1,
        title=subject.title,
        summary=subject.summary,
        link=subject.link,
        institution_id=subject.institution_id,
        region_code=subject.region_code,
        submitter_account_id=subject.submitter_account_id,
        stage=0,
        status=ReviewStatus.PENDING,
        created_at=uow.clock.now(),
    )
    uow.session.add(review)
    await uow.session.flush()
    await open_stage(uow, chain, review)
    uow.record(
        "review",
        review.id,
        "started",
        actor=f"account:{subject.submitter_account_id}",
        data={
            "chain": chain.name,
            "subject": f"{subject.subject_type}:{subject.subject_id}",
            "round": review.round,
            "due_on": review.due_on.isoformat() if review.due_on else None,
        },
    )
    userid = await userid_of(uow, subject.submitter_account_id)
    if userid is not None:
        text = submitted_notice(chain.label, review.title, receipt_number(review), review.due_on, review.link)
        uow.send_later(text_notice(userid, text, record=f"审核 {review.id} 受理", source=f"review:{review.id}"))
    return review
