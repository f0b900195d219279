"""Property: for every review of a randomised history (submissions around 国庆 and 春节, waits, pauses, resumes,
补正 rounds, withdrawals, approvals), the clock rebuilt from its events equals the one kept live on the review."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from handlers.clock import ManualClock
from handlers.demands.resubmit_demand import ResubmitDemand, resubmit_demand
from handlers.demands.withdraw_demand import WithdrawDemand, withdraw_demand
from handlers.reviews.deadlines import pause_clock, rebuild_clock, resume_clock, state_of
from handlers.reviews.decide_review import DecideReview, Decision, decide_review
from store.models.demands import Review, ReviewStatus
from tests.demands.conftest import Bench
from tests.policies import DEMANDS, SUBJECTS

SHANGHAI = ZoneInfo("Asia/Shanghai")
STARTS = [
    datetime(2025, 9, 25, 10, tzinfo=SHANGHAI),
    datetime(2026, 2, 10, 15, tzinfo=SHANGHAI),
    datetime(2026, 9, 22, 9, tzinfo=SHANGHAI),
    datetime(2026, 12, 3, 17, tzinfo=SHANGHAI),
]
# Pauses and resumes weigh more than the decisions that end a history's interesting part.
OPS = st.tuples(
    st.sampled_from(["wait", "wait", "pause", "resume", "pause", "resume", "return", "withdraw", "approve"]),
    st.integers(min_value=0, max_value=80),
)  # hours, for a wait


async def _pending(bench: Bench, demand_id: int) -> int | None:
    async with bench.org.uow as uow:
        return await uow.session.scalar(
            select(Review.id).where(Review.subject_id == demand_id, Review.status == ReviewStatus.PENDING)
        )


async def _apply(bench: Bench, clock: ManualClock, demand_id: int, op: str, hours: int) -> None:
    if op == "wait":
        clock.advance(hours * 3600)
        return
    review_id = await _pending(bench, demand_id)
    if review_id is None:
        return
    if op == "withdraw":  # back to a draft, then sent again: a new round
        await withdraw_demand(WithdrawDemand(bench.staff_id, demand_id), bench.org.uow)
        await resubmit_demand(ResubmitDemand(bench.staff_id, demand_id), bench.org.uow, DEMANDS)
        return
    async with bench.org.uow as uow:
        review = await uow.session.scalar(select(Review).where(Review.id == review_id).with_for_update())
        assert review is not None
        if op == "pause":
            await pause_clock(uow, review, "等待专家评审")
        elif op == "resume":
            await resume_clock(uow, review, "专家评审完成")
        else:
            decision = Decision.RETURN if op == "return" else Decision.APPROVE
            await decide_review(
                DecideReview(review_id, 0, decision, "请补正", userid="dt-admin"), uow, subjects=SUBJECTS
            )
        await uow.commit()
    if op == "return":
        await resubmit_demand(ResubmitDemand(bench.staff_id, demand_id), bench.org.uow, DEMANDS)


@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.sampled_from(STARTS), ops=st.lists(OPS, min_size=3, max_size=14))
async def test_a_rebuilt_clock_equals_the_live_one_for_every_review(
    bench: Bench, clock: ManualClock, start: datetime, ops: list[tuple[str, Any]]
) -> None:
    clock.set(start.astimezone(UTC))
    demand_id = (await bench.submit()).demand_id
    for op, hours in ops:
        await _apply(bench, clock, demand_id, op, hours)
    async with bench.org.uow as uow:
        reviews = list(await uow.session.scalars(select(Review).where(Review.subject_id == demand_id)))
        for review in reviews:
            live, rebuilt = state_of(review), await rebuild_clock(uow, review)
            assert (live.due_on, live.running_since, live.used) == (
                rebuilt.due_on,
                rebuilt.running_since,
                rebuilt.used,
            ), review.id
            if review.status != ReviewStatus.PENDING:
                assert review.due_on is None
