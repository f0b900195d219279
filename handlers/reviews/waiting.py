"""Which review tasks wait for a person: theirs, not done, at their review's current stage, the review still
pending. The workbench's 待我审核 count and the list it opens read the same condition, so they always agree."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_

from store.models.demands import Review, ReviewStatus, ReviewTask


def waiting_for(account_id: int) -> ColumnElement[bool]:
    """For a query joining ReviewTask to its Review."""
    return and_(
        ReviewTask.reviewer_account_id == account_id,
        ReviewTask.done.is_(False),
        ReviewTask.stage == Review.stage,
        Review.status == ReviewStatus.PENDING,
    )
