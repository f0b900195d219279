"""States a monitor reports "as of" its period's last day rather than now, so a past period's report gives the
same numbers tomorrow: which reviews were overdue then. The review's stored deadline is today's state (a decision
or a pause clears it), so the clock is folded again from the review's events up to the period's end."""

from __future__ import annotations

from dataclasses import replace
from itertools import groupby

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.monitoring.period import Window
from handlers.reviews.clock import ClockEvent, RecordedEvent
from handlers.reviews.deadlines import clock_from, overdue_on
from store.models.demands import Review, ReviewEvent


async def overdue_reviews(session: AsyncSession, w: Window) -> frozenset[int]:
    """Reviews still waiting when the period ended whose stage was overdue on its last day (working days, the
    review engine's own rule)."""
    rows = await session.execute(
        select(Review.id, Review.chain, ReviewEvent.kind, ReviewEvent.stage, ReviewEvent.on_day)
        .join(ReviewEvent, ReviewEvent.review_id == Review.id)
        .where(
            Review.created_at < w.after,
            or_(Review.decided_at.is_(None), Review.decided_at >= w.after),
            ReviewEvent.at < w.after,
        )
        .order_by(Review.id, ReviewEvent.id)
    )
    found = set()
    for (review_id, chain), events in groupby(rows, key=lambda r: (r[0], r[1])):
        state = clock_from(chain, (RecordedEvent(ClockEvent(e.kind), e.stage, e.on_day) for e in events))
        if state.due_on is not None and overdue_on(state.due_on, w.last_day):
            found.add(review_id)
    return frozenset(found)


async def as_of(session: AsyncSession, w: Window) -> Window:
    """The window with what is computed as of its end."""
    return replace(w, overdue_reviews=await overdue_reviews(session, w))
