"""One review's clock explained: its events, the clock they fold to, and whether the live projection agrees
(`kezhuan reviews clock REVIEW_ID`; `--repair` writes the rebuilt clock back)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.errors import NotFound
from handlers.reviews.clock import ClockState
from handlers.reviews.deadlines import explain_clock, rebuild_clock, state_of
from store.models.demands import Review, ReviewEvent
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ClockReport:
    review_id: int
    events: tuple[str, ...]  # 「2026-12-07 opened stage 0」
    live: ClockState
    rebuilt: ClockState
    explanation: str
    repaired: bool

    @property
    def agrees(self) -> bool:
        return (self.live.due_on, self.live.running_since, self.live.used) == (
            self.rebuilt.due_on,
            self.rebuilt.running_since,
            self.rebuilt.used,
        )


async def explain_review_clock(review_id: int, uow: UnitOfWork, *, repair: bool = False) -> ClockReport:
    async with uow:
        review = await uow.session.scalar(select(Review).where(Review.id == review_id).with_for_update())
        if review is None:
            raise NotFound("未找到该审核")
        rows = await uow.session.scalars(
            select(ReviewEvent).where(ReviewEvent.review_id == review.id).order_by(ReviewEvent.id)
        )
        events = tuple(
            f"{row.on_day.isoformat()} {row.kind} stage {row.stage}" + (f" ({row.note})" if row.note else "")
            for row in rows
        )
        live, rebuilt = state_of(review), await rebuild_clock(uow, review)
        report = ClockReport(review.id, events, live, rebuilt, explain_clock(rebuilt), False)
        if repair and not report.agrees:
            review.clock_since, review.clock_used, review.due_on = rebuilt.running_since, rebuilt.used, rebuilt.due_on
            uow.record(
                "review",
                review.id,
                "clock_repaired",
                actor="system:cli",
                data={"due_on": rebuilt.due_on.isoformat() if rebuilt.due_on else None},
            )
            await uow.commit()
            report = ClockReport(review.id, events, live, rebuilt, report.explanation, True)
        return report
