"""The contribution-points ledger: the rules of seed 004 §七, repeats and compensations, replay from the
event log, rule-set versions, departures, races and the audit chain."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DBAPIError

from handlers.audit.verify_audit_chain import verify_audit_chain
from handlers.clock import ManualClock
from handlers.errors import InvalidInput
from handlers.points.rank_points import RankBy, RankPoints, rank_points
from handlers.points.rebuild_points import RebuildPoints, rebuild_points
from handlers.points.record_point_event import PointFact
from handlers.points.rules import V1, RuleSet
from handlers.staff.record_staff_departure import RecordStaffDeparture, record_staff_departure
from store.models.audit import AuditEntry
from store.models.points import PointEntry, PointEvent
from store.models.points import PointEventKind as Kind
from tests.organisation.conftest import snapshot
from tests.outbox_support import cli
from tests.points.conftest import Points

# Pushing pays double under this version; everything else as before.
V2 = RuleSet(
    version=2, points={**V1.points, Kind.EXPERT_PUSH_ACCEPTED: 2}, once_per=V1.once_per, compensates=V1.compensates
)


async def history(p: Points) -> None:
    """Demand 1 by X's staff member: approved, pushed to three experts (one blocked later), one repeat
    push, one push blocked before its acceptance arrived, then published and registered by Y's staff.
    Demand 2 approved for X's centre admin. Every fact reported twice."""
    staff, cadmin, y_staff = p.x.staff_account, p.x.centre_admin_account, p.y.staff_account
    e0, e1, e2 = p.experts
    facts = [
        PointFact(Kind.DEMAND_APPROVED, staff, demand_id=1),
        PointFact(Kind.EXPERT_PUSH_ACCEPTED, staff, demand_id=1, expert_id=e0, push_id=1),
        PointFact(Kind.EXPERT_PUSH_ACCEPTED, staff, demand_id=1, expert_id=e1, push_id=2),
        PointFact(Kind.EXPERT_PUSH_ACCEPTED, staff, demand_id=1, expert_id=e2, push_id=3),
        PointFact(Kind.EXPERT_PUSH_ACCEPTED, staff, demand_id=1, expert_id=e0, push_id=4),  # repeat pair
        PointFact(Kind.EXPERT_PUSH_BLOCKED, staff, push_id=2),  # compensated
        PointFact(Kind.EXPERT_PUSH_BLOCKED, staff, push_id=4),  # the repeat earned nothing to withdraw
        PointFact(Kind.EXPERT_PUSH_BLOCKED, staff, push_id=5),  # blocked before accepted…
        PointFact(Kind.EXPERT_PUSH_ACCEPTED, staff, demand_id=2, expert_id=e1, push_id=5),  # …never earns
        PointFact(Kind.PROJECT_REGISTERED, y_staff, demand_id=1, project_id=1),  # the accepting institution
        PointFact(Kind.DEMAND_APPROVED, cadmin, demand_id=2),
    ]
    for fact in facts:
        first = await p.record(fact)
        again = await p.record(fact)
        assert first.event_id is not None and again.event_id is None and again.points == 0
        clock = p.org.container.clock
        assert isinstance(clock, ManualClock)
        clock.advance(60)


def expected(p: Points) -> dict[str, dict[int, int]]:
    return {
        "staff": {p.x.staff_account: 2 + 1 + 1 + 1 - 1, p.x.centre_admin_account: 2, p.y.staff_account: 5},
        "centre": {p.x.centre: 6, p.y.centre: 5},
        "institution": {p.x.id: 6, p.y.id: 5},
    }


async def entries(p: Points) -> list[tuple[int, int, int, str, int]]:
    async with p.org.container.sessionmaker() as session:
        rows = await session.execute(
            select(
                PointEntry.event_id,
                PointEntry.account_id,
                PointEntry.points,
                PointEntry.reason,
                PointEntry.rule_set_version,
            ).order_by(PointEntry.event_id)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


async def test_points_follow_the_rules_with_repeats_and_compensations(points: Points) -> None:
    await history(points)
    assert await points.totals() == expected(points)
    ledger = await entries(points)
    assert [e[2] for e in ledger] == [2, 1, 1, 1, -1, 5, 2]
    assert [e[3] for e in ledger].count("compensation") == 1
    async with points.org.container.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(PointEvent)) == 11


async def test_deleting_the_ledger_and_replaying_gives_identical_totals(points: Points) -> None:
    await history(points)
    before, ledger = await points.totals(), await entries(points)
    done = await rebuild_points(RebuildPoints(), points.org.uow)
    assert (done.rule_set_version, done.events, done.entries, done.total_points) == (1, 11, 7, 11)
    assert await points.totals() == before == expected(points)
    assert await entries(points) == ledger
    await rebuild_points(RebuildPoints(), points.org.uow)  # and again: replay is repeatable
    assert await points.totals() == before


async def test_a_new_rule_set_changes_totals_only_when_replayed_with(points: Points) -> None:
    await history(points)
    before = await points.totals()
    both = {1: V1, 2: V2}
    # Declaring v2 changes nothing already in the ledger…
    assert await points.totals() == before
    # …replaying under it re-scores every push (3 earned, 1 withdrawn: +2 more in all)…
    done = await rebuild_points(RebuildPoints(), points.org.uow, both)
    assert done.rule_set_version == 2
    after = await points.totals()
    assert after["staff"][points.x.staff_account] == 2 + 2 + 2 + 2 - 2
    assert after["institution"] == {points.x.id: 8, points.y.id: 5}
    assert {e[4] for e in await entries(points)} == {2}
    # …and a fact recorded under v2 earns by v2.
    e0 = points.experts[0]
    recorded = await points.record(
        PointFact(Kind.EXPERT_PUSH_ACCEPTED, points.x.staff_account, demand_id=3, expert_id=e0, push_id=9), both
    )
    assert (recorded.points, recorded.rule_set_version) == (2, 2)
    # Replaying the chosen older version gives the old totals back plus the new push's one point.
    await rebuild_points(RebuildPoints(rule_set_version=1), points.org.uow, both)
    back = await points.totals()
    assert back["staff"][points.x.staff_account] == before["staff"][points.x.staff_account] + 1
    with pytest.raises(InvalidInput) as refused:
        await rebuild_points(RebuildPoints(rule_set_version=7), points.org.uow, both)
    assert refused.value.code == "unknown_rule_set"


async def test_a_departed_staff_member_keeps_their_points_where_they_earned_them(points: Points) -> None:
    await history(points)
    x = points.x
    await record_staff_departure(
        RecordStaffDeparture(x.admin, x.staff_member, x.centre_admin_member, "离职"), points.org.uow
    )
    # A push accepted after they left is still theirs (the report comes from WeChat, later).
    late = PointFact(Kind.EXPERT_PUSH_ACCEPTED, x.staff_account, demand_id=4, expert_id=points.experts[0], push_id=10)
    assert (await points.record(late)).points == 1
    ranked = await rank_points(RankPoints(x.admin, RankBy.STAFF), points.org.uow)
    assert {(t.id, t.points) for t in ranked.items} == {(x.staff_account, 5), (x.centre_admin_account, 2)}
    await rebuild_points(RebuildPoints(), points.org.uow)
    totals = await points.totals()
    assert totals["staff"][x.staff_account] == 5 and totals["centre"][x.centre] == 7


async def test_concurrent_reports_of_one_fact_and_of_one_pair_earn_once(points: Points) -> None:
    staff, e0 = points.x.staff_account, points.experts[0]
    same = PointFact(Kind.DEMAND_APPROVED, staff, demand_id=1)
    pair = [PointFact(Kind.EXPERT_PUSH_ACCEPTED, staff, demand_id=1, expert_id=e0, push_id=n) for n in (1, 2, 3)]
    results = await asyncio.gather(*(points.record(f) for f in (same, same, same, *pair)))
    assert sum(r.event_id is not None for r in results[:3]) == 1
    assert sum(r.points for r in results) == 2 + 1
    assert (await points.totals())["staff"] == {staff: 3}


async def test_a_fact_for_a_non_staff_account_or_missing_its_subject_is_refused(points: Points) -> None:
    before = await snapshot(points.org.container)
    bad = [
        (PointFact(Kind.DEMAND_APPROVED, points.x.expert_account, demand_id=1), "not_staff"),
        (PointFact(Kind.DEMAND_APPROVED, points.x.admin, demand_id=1), "not_staff"),
        (PointFact(Kind.EXPERT_PUSH_ACCEPTED, points.x.staff_account, demand_id=1, push_id=1), "invalid_point_event"),
    ]
    for fact, code in bad:
        with pytest.raises(InvalidInput) as refused:
            await points.record(fact)
        assert refused.value.code == code
    assert await snapshot(points.org.container) == before


async def test_every_fact_and_every_rebuild_is_on_the_audit_chain_which_verifies(points: Points) -> None:
    await history(points)
    await rebuild_points(RebuildPoints(), points.org.uow)
    async with points.org.container.sessionmaker() as session:
        actions = (
            await session.scalars(
                select(AuditEntry.action).where(AuditEntry.aggregate_type.in_(["points_account", "points_ledger"]))
            )
        ).all()
    assert len(actions) == 11 + 1 and "points.rebuilt" in actions
    report = await verify_audit_chain(points.org.uow, points.org.container.anchors)
    assert report.ok, report.findings


async def test_points_rebuild_command_replays_the_log(points: Points) -> None:
    await history(points)
    before = await points.totals()
    async with points.org.container.sessionmaker() as session, session.begin():
        await session.execute(delete(PointEntry).where(PointEntry.reason == "compensation"))
    assert await points.totals() != before  # a damaged ledger…
    code, out = await cli(points.org.container.settings, "points", "rebuild", clock=points.org.container.clock)
    assert code == 0, out
    assert "11 event(s) -> 7 entr(ies), 11 point(s)" in out
    assert await points.totals() == before  # …is whole again


async def test_a_fact_keeps_its_time_and_the_membership_of_that_time(points: Points) -> None:
    when = points.org.container.clock.now().replace(microsecond=0)
    fact = PointFact(Kind.DEMAND_APPROVED, points.y.staff_account, demand_id=8, occurred_at=when)
    await points.record(replace(fact))
    async with points.org.container.sessionmaker() as session:
        event = (await session.scalars(select(PointEvent))).one()
    assert (event.occurred_at, event.institution_id, event.centre_id) == (when, points.y.id, points.y.centre)


async def test_the_database_refuses_to_rewrite_the_log_or_the_ledger(points: Points) -> None:
    await history(points)
    statements = [
        update(PointEntry).values(points=100),
        update(PointEvent).values(account_id=points.y.staff_account),
        delete(PointEvent),
    ]
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"):
            async with points.org.container.sessionmaker() as session, session.begin():
                await session.execute(statement)
    assert await points.totals() == expected(points)


async def test_facts_recorded_during_a_rebuild_are_scored_once(points: Points) -> None:
    await history(points)
    staff, experts = points.x.staff_account, points.experts
    late = [
        PointFact(Kind.EXPERT_PUSH_ACCEPTED, staff, demand_id=5, expert_id=e, push_id=20 + n)
        for n, e in enumerate(experts)
    ]
    await asyncio.gather(rebuild_points(RebuildPoints(), points.org.uow), *(points.record(f) for f in late))
    live = await points.totals()
    assert live["staff"][staff] == 4 + 3
    await rebuild_points(RebuildPoints(), points.org.uow)
    assert await points.totals() == live
