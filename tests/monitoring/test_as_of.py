"""A report "as of" a past period gives the same numbers later: review turnaround and overdue counts are taken
as the reviews stood on the period's last day, not as they stand when the report is drawn."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import update

from handlers.clock import ManualClock
from handlers.monitoring.drill_down import DrillDown, drill_down
from handlers.monitoring.facts import Measure
from handlers.monitoring.period import Period
from handlers.monitoring.show_monitor import ShowMonitor, show_monitor
from handlers.monitoring.views import View
from handlers.organisation.pages import PageRequest
from store.models.demands import Review, ReviewEvent, ReviewStatus
from tests.monitoring.conftest import DEMAND_CHAIN, ZONE, local_day, write_history
from tests.points.conftest import Points

PAST = Period(date(2026, 11, 1), date(2026, 11, 15))


async def _report(p: Points) -> tuple[dict[int, dict[str, int]], list[int]]:
    """The institutions' and the overview's figures (a region's keyed by its code), and X's overdue reviews."""
    figures = {}
    for view in (View.INSTITUTIONS, View.OVERVIEW):
        monitor = await show_monitor(ShowMonitor(p.org.admin_id, view, PAST), p.org.uow, ZONE, p.org.regions)
        figures.update({r.unit_id: r.figures for r in monitor.rows})
    rows = await drill_down(
        DrillDown(p.org.admin_id, View.INSTITUTIONS, p.x.id, Measure.REVIEWS_OVERDUE, PAST, PageRequest(1, 100)),
        p.org.uow,
        ZONE,
    )
    return figures, [item.id for item in rows.items]


async def _overdue_in(p: Points, region: int) -> list[int]:
    rows = await drill_down(
        DrillDown(p.org.admin_id, View.OVERVIEW, region, Measure.REVIEWS_OVERDUE, PAST, PageRequest(1, 100)),
        p.org.uow,
        ZONE,
    )
    return [item.id for item in rows.items]


async def _waiting_review(p: Points, created: datetime) -> int:
    async with p.org.uow as uow:
        review = Review(
            chain=DEMAND_CHAIN,
            subject_type="monitoring_test",
            subject_id=1,
            round=1,
            title="逾期审核",
            summary="",
            link="",
            institution_id=p.x.id,
            region_code="330106",
            submitter_account_id=p.x.staff_account,
            stage=0,
            status=ReviewStatus.PENDING,
            created_at=created,
            clock_used=0,
        )
        uow.session.add(review)
        await uow.session.flush()
        uow.session.add(ReviewEvent(review_id=review.id, stage=0, kind="opened", at=created, on_day=local_day(created)))
        await uow.commit()
        return review.id


async def test_a_past_report_is_the_same_after_the_clock_moves_on(points: Points, clock: ManualClock) -> None:
    await write_history(points, 21, size=20)
    late = await _waiting_review(points, datetime(2026, 11, 2, 2, tzinfo=UTC))  # due 11-05, still waiting on 11-15
    figures, overdue = await _report(points)
    assert late in overdue and figures[points.x.id]["reviews_overdue"] == len(overdue)
    # The bureau's overview alike: 西湖区 and its city count the late review, down to the rows.
    in_xihu = await _overdue_in(points, 330106)
    assert late in in_xihu and figures[330106]["reviews_overdue"] == len(in_xihu)
    assert figures[330100]["reviews_overdue"] >= len(in_xihu)

    # Weeks later every review waiting then has been decided, the late one included.
    clock.set(datetime(2026, 12, 21, 3, tzinfo=UTC))
    async with points.org.uow as uow:
        await uow.session.execute(
            update(Review)
            .where(Review.status == ReviewStatus.PENDING)
            .values(status=ReviewStatus.APPROVED, decided_at=clock.now(), due_on=None)
        )
        await uow.commit()
    assert await _report(points) == (figures, overdue)
    assert await _overdue_in(points, 330106) == in_xihu
