"""Contribution points: record a realistic event stream, then delete the ledger and replay it.

Each fact is recorded in its own transaction, as the demand use cases do: per demand an approval, pushes to
several experts (some repeats, some later blocked, each reported twice as WeChat may), and for a third of the
demands a registered project. Then `rebuild_points` deletes the entries and derives them again; the totals per
staff member, centre and institution must be identical.

    .venv/bin/python bench/points.py --quick                       # SQLite, well under a minute
    .venv/bin/python bench/points.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test

The last line is one JSON object: backend, events (reports made), facts (distinct events stored), entries,
total_points, record_per_s, record_p50_ms, record_p99_ms, rebuild_seconds, rebuild_events_per_s, identical.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.outbox_relay import emit, percentile, scratch_database
from handlers.clock import SystemClock
from handlers.points.rebuild_points import RebuildPoints, rebuild_points
from handlers.points.record_point_event import PointFact, record_point_event
from store.db import create_engine, create_sessionmaker, is_sqlite
from store.models.organisation import Account, AccountStatus, Centre, Institution, StaffMember
from store.models.organisation_people import Expert
from store.models.points import PointEntry, PointEvent
from store.models.points import PointEventKind as Kind
from store.uow import UnitOfWork


@dataclass(frozen=True)
class Options:
    demands: int
    staff: int
    experts: int
    database_url: str | None


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="200 demands")
    parser.add_argument("--demands", type=int, default=2000)
    parser.add_argument("--staff", type=int, default=40)
    parser.add_argument("--experts", type=int, default=60)
    parser.add_argument("--database-url", help="PostgreSQL server to create a scratch database on (default: SQLite)")
    args = parser.parse_args(argv)
    return Options(200 if args.quick else args.demands, args.staff, args.experts, args.database_url)


async def organisation(sessionmaker: async_sessionmaker[AsyncSession], options: Options) -> tuple[list[int], list[int]]:
    """Two institutions with two centres each, staff spread over the centres, and experts: rows written
    directly, since only the points path is measured."""
    now = datetime.now(UTC)
    n = 0

    def account(name: str) -> Account:
        nonlocal n
        n += 1
        return Account(name=name, mobile=f"139{n:08d}", status=AccountStatus.ACTIVE, created_at=now, updated_at=now)

    async with sessionmaker() as session, session.begin():
        centres: list[Centre] = []
        for i in range(2):
            admin = account(f"管理员{i}")
            session.add(admin)
            await session.flush()
            inst = Institution(
                name=f"机构{i}",
                credit_code=f"BENCH{i:013d}",
                type="university",
                service_types=[],
                min_fee_ratio_bp=500,
                introduction="",
                region_code="330106",
                admin_account_id=admin.id,
                created_at=now,
                updated_at=now,
            )
            session.add(inst)
            await session.flush()
            for j in range(2):
                centre = Centre(
                    institution_id=inst.id, name=f"中心{i}-{j}", region_code="330106", created_at=now, updated_at=now
                )
                session.add(centre)
                centres.append(centre)
        await session.flush()
        staff: list[int] = []
        for s in range(options.staff):
            person = account(f"技转{s}")
            session.add(person)
            await session.flush()
            centre = centres[s % len(centres)]
            session.add(
                StaffMember(
                    account_id=person.id,
                    institution_id=centre.institution_id,
                    centre_id=centre.id,
                    position="技术经理",
                    created_at=now,
                )
            )
            staff.append(person.id)
        experts: list[int] = []
        for e in range(options.experts):
            person = account(f"专家{e}")
            session.add(person)
            await session.flush()
            expert = Expert(
                account_id=person.id, title="教授", employer="大学", introduction="", created_at=now, updated_at=now
            )
            session.add(expert)
            await session.flush()
            experts.append(expert.id)
    return staff, experts


def facts(options: Options, staff: list[int], experts: list[int]) -> list[PointFact]:
    rng = random.Random(7)
    out: list[PointFact] = []
    push = 0
    for demand in range(1, options.demands + 1):
        owner = rng.choice(staff)
        out.append(PointFact(Kind.DEMAND_APPROVED, owner, demand_id=demand))
        chosen = rng.sample(experts, 5)
        for expert in chosen + chosen[:1]:  # the first expert pushed twice: the repeat earns nothing
            push += 1
            accepted = PointFact(Kind.EXPERT_PUSH_ACCEPTED, owner, demand_id=demand, expert_id=expert, push_id=push)
            out += [accepted, accepted]  # reported twice
            if rng.random() < 0.1:
                out.append(PointFact(Kind.EXPERT_PUSH_BLOCKED, owner, push_id=push))
        if demand % 3 == 0:
            out.append(PointFact(Kind.PROJECT_REGISTERED, rng.choice(staff), demand_id=demand))
    return out


async def totals(sessionmaker: async_sessionmaker[AsyncSession]) -> list[Any]:
    async with sessionmaker() as session:
        out = []
        for column in (PointEntry.account_id, PointEntry.centre_id, PointEntry.institution_id):
            rows = await session.execute(select(column, func.sum(PointEntry.points)).group_by(column).order_by(column))
            out.append([tuple(r) for r in rows])
        return out


async def run(options: Options) -> dict[str, Any]:
    async with scratch_database(options.database_url) as url:
        engine = create_engine(url)
        try:
            sessionmaker = create_sessionmaker(engine)
            clock = SystemClock()
            staff, experts = await organisation(sessionmaker, options)
            stream = facts(options, staff, experts)
            latencies: list[float] = []
            started = time.perf_counter()
            for fact in stream:
                t0 = time.perf_counter()
                async with UnitOfWork(sessionmaker, clock) as uow:
                    await record_point_event(uow, fact)
                    await uow.commit()
                latencies.append((time.perf_counter() - t0) * 1000)
            recording = time.perf_counter() - started
            before = await totals(sessionmaker)
            t0 = time.perf_counter()
            rebuilt = await rebuild_points(RebuildPoints(actor="bench"), UnitOfWork(sessionmaker, clock))
            rebuild_seconds = time.perf_counter() - t0
            after = await totals(sessionmaker)
            async with sessionmaker() as session:
                stored = await session.scalar(select(func.count()).select_from(PointEvent)) or 0
        finally:
            await engine.dispose()
    latencies.sort()
    return {
        "backend": "sqlite" if options.database_url is None or is_sqlite(options.database_url) else "postgresql",
        "events": len(stream),
        "facts": stored,
        "entries": rebuilt.entries,
        "total_points": rebuilt.total_points,
        "record_per_s": round(len(stream) / recording, 1),
        "record_p50_ms": round(percentile(latencies, 0.5), 2),
        "record_p99_ms": round(percentile(latencies, 0.99), 2),
        "rebuild_seconds": round(rebuild_seconds, 2),
        "rebuild_events_per_s": round(rebuilt.events / rebuild_seconds, 1),
        "identical": before == after,
    }


def main(argv: list[str] | None = None) -> int:
    result = asyncio.run(run(parse_args(argv)))
    emit(json.dumps(result, ensure_ascii=False))
    return 0 if result["identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
