"""The points' daily rollup (`point_days`) is derived from the ledger: what recording writes fact by fact, at once
or concurrently, equals what the rows give, and a rebuild leaves it the same."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from handlers.points.daily import days_from_rows
from handlers.points.rebuild_points import RebuildPoints, rebuild_points
from handlers.points.record_point_event import PointFact
from store.models.points import PointDay
from store.models.points import PointEventKind as Kind
from tests.points.conftest import Points


async def _days(p: Points) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The rollup as stored, and as the ledger's rows give it."""
    async with p.org.container.sessionmaker() as s:
        stored = await s.execute(
            select(
                PointDay.day,
                PointDay.institution_id,
                PointDay.centre_id,
                PointDay.points,
                PointDay.deals,
                PointDay.demands_found,
            ).order_by(PointDay.day, PointDay.institution_id, PointDay.centre_id)
        )
        derived = await s.execute(days_from_rows())
        return [tuple(r) for r in stored], [tuple(r) for r in derived]


def _facts(p: Points, seed: int) -> list[PointFact]:
    """Approvals, pushes (some blocked later, some repeated), registrations, by four people over ten days whose
    hours fall on both sides of UTC midnight; every fact reported twice somewhere in the list."""
    rng = random.Random(seed)
    base = p.org.container.clock.now().replace(minute=0, second=0, microsecond=0) - timedelta(days=12)
    people = [p.x.staff_account, p.x.centre_admin_account, p.y.staff_account, p.y.centre_admin_account]
    out: list[PointFact] = []
    for n in range(1, 25):
        who, at = rng.choice(people), base + timedelta(hours=rng.randrange(0, 240))
        kind = rng.choice((Kind.DEMAND_APPROVED, Kind.EXPERT_PUSH_ACCEPTED, Kind.PROJECT_REGISTERED))
        if kind == Kind.EXPERT_PUSH_ACCEPTED:
            expert = rng.choice(p.experts)
            out.append(PointFact(kind, who, demand_id=n, expert_id=expert, push_id=n, occurred_at=at))
            if rng.random() < 0.4:  # blocked later: a compensation on another day, under the credit's unit
                later = at + timedelta(hours=rng.randrange(1, 48))
                out.append(PointFact(Kind.EXPERT_PUSH_BLOCKED, who, push_id=n, occurred_at=later))
        else:
            out.append(PointFact(kind, who, demand_id=n, project_id=1000 + n, occurred_at=at))
    out += rng.sample(out, len(out) // 2)  # reported again: a no-op
    rng.shuffle(out)
    return out


async def test_recording_fact_by_fact_keeps_the_rollup_equal_to_the_ledger(points: Points) -> None:
    for fact in _facts(points, 1):
        await points.record(fact)
    stored, derived = await _days(points)
    assert stored == derived
    assert {r[1] for r in stored} == {points.x.id, points.y.id} and len({r[0] for r in stored}) > 3
    assert sum(r[4] for r in stored) > 0 and sum(r[5] for r in stored) > 0  # deals and demands found counted

    await rebuild_points(RebuildPoints(), points.org.uow)  # deletes the ledger and derives it again
    assert await _days(points) == (stored, stored)


async def test_concurrent_recording_adds_every_fact_once(points: Points) -> None:
    facts = _facts(points, 2)
    for n in range(0, len(facts), 6):
        await asyncio.gather(*(points.record(f) for f in facts[n : n + 6]), return_exceptions=False)
    stored, derived = await _days(points)
    assert stored == derived and stored
