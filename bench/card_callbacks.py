"""Review-card presses over the sandbox Stream gateway: ack latency, and every frame delivered twice.

For each concurrency (1, 10, 50) a fresh batch of demands is submitted through the use cases (submit_demand: the
demand, its review, the review task and the card in the outbox, as a staff member's submission makes them); the
relay delivers the review cards to the sandbox DingTalk. Then the admin presses 通过 on every card from the
sandbox console (`/_fake/cards/{id}/press`: a CALLBACK frame to our Stream runner, answered by the ack once the
decision is committed), and the sandbox pushes each frame once more with the same messageId
(`/_fake/frames/{id}/redeliver`). DingTalk's side — the sandbox's HTTP server and Stream gateway, and the
load generator pressing — runs in a separate process (bench/dingtalk_side.py), as DingTalk runs on its own
servers: this process holds only our service (container, Stream client, use cases), so its event loop does none
of the fake's work. Latency is press → ack measured on DingTalk's side. Both processes share the machine's cores
(2 on the shared development machine), so a loaded machine still slows both.

`--instances N` (N > 1) runs our service as it is deployed on several hosts: N OS processes, each with its own
container (and in-process fakeredis, not shared) and Stream runner connected to the sandbox gateway, all on the
same scratch database; the sandbox then pushes each frame, and each redelivery, to one of the N connections at
random, as DingTalk does. A redelivery that lands on another instance misses that router's in-memory recent
presses and is answered from the database claim. Seeding and counting stay in this process. With the default (1)
the runner runs in this process, as before.

    .venv/bin/python bench/card_callbacks.py --quick                     # SQLite, 100 demands, under a minute
    .venv/bin/python bench/card_callbacks.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/card_callbacks.py --demands 300 --concurrency 10 --instances 2 --database-url …

`decisions` counts demands approved (must equal the demands pressed); `duplicates` counts second effects of a
press or a redelivery (approve events, points entries and work notices beyond one per demand; must be 0). The
last line is one JSON object; its top-level ack_p50_ms/ack_p99_ms/decisions_per_s are those at concurrency 10.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import multiprocessing
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, select

from bench.dingtalk_side import ADMIN_MOBILE, ADMIN_USERID, STAFF_MOBILE, STAFF_USERID, serve, until_closed
from bench.outbox_relay import emit, percentile, scratch_database
from bot.bootstrap import Container, build_container
from bot.dingtalk.wiring import build_stream
from bot.heap import freeze_startup_heap
from bot.relay import Relay
from bot.settings import DingTalkSettings, Settings
from cards.outbound import Channel
from handlers.clock import SystemClock
from handlers.demands.fields import DemandFields
from handlers.demands.submit_demand import SubmitDemand, submit_demand
from handlers.enterprises.add_enterprise import AddEnterprise, add_enterprise
from handlers.enterprises.add_enterprise_contact import AddEnterpriseContact, add_enterprise_contact
from handlers.institutions.create_centre import CreateCentre, create_centre
from handlers.institutions.create_institution import CreateInstitution, create_institution
from handlers.reference.regions import Regions
from handlers.staff.add_staff import AddStaff, add_staff
from sandbox.registry import SandboxBusinessRegistry
from store.db import is_sqlite, warm_pool
from store.models.auth import DingTalkBinding
from store.models.demands import Demand, DemandEvent, DemandStatus
from store.models.organisation import Account, AccountRole, AccountStatus, Role
from store.models.outbox import OutboxMessage
from store.models.points import PointEntry, PointEvent, PointEventKind

FIELDS = DemandFields(
    title="高精度MEMS压力传感器封装工艺改进",
    tech_fields=("0101",),
    description="现有封装良率偏低，需要工艺改进方案。",
    region_code="330106",
    expected_result="良率提升到95%以上",
    fee_ratio_bp=800,
    budget_fen=50_000_000,
    deadline=date(2099, 6, 30),
)


@dataclass(frozen=True)
class Options:
    demands: int
    concurrencies: tuple[int, ...]
    staff: int
    database_url: str | None
    instances: int = 1


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="100 demands, concurrency 1 and 10")
    parser.add_argument("--demands", type=int, default=1000, help="demands pressed at each concurrency")
    parser.add_argument("--concurrency", type=int, action="append", help="repeatable; default 1, 10, 50")
    parser.add_argument(
        "--staff",
        type=int,
        default=1,
        help="staff members the demands are spread over (default 1: every approval credits 张三)",
    )
    parser.add_argument("--database-url", help="PostgreSQL server to create a scratch database on (default: SQLite)")
    parser.add_argument(
        "--instances",
        type=int,
        default=1,
        help="instances of our service, each in its own process with its own Stream connection "
        "(default 1: in the bench process)",
    )
    args = parser.parse_args(argv)
    concurrencies = tuple(args.concurrency or ((1, 10) if args.quick else (1, 10, 50)))
    return Options(
        100 if args.quick else args.demands,
        concurrencies,
        max(1, args.staff),
        args.database_url,
        max(1, args.instances),
    )


@dataclass
class World:
    container: Container
    http: aiohttp.ClientSession  # to DingTalk's side, in its own process
    base_url: str
    staff_ids: list[int]
    enterprise_id: int


@asynccontextmanager
async def dingtalk_side(spread_pushes: bool) -> AsyncIterator[dict[str, str]]:
    """The sandbox DingTalk and the people pressing, in a separate process (bench/dingtalk_side.py)."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=serve, args=(theirs, spread_pushes), name="dingtalk-side", daemon=True)
    process.start()
    try:
        if not await asyncio.get_running_loop().run_in_executor(None, ours.poll, 60.0):
            raise RuntimeError("the DingTalk side did not start")
        yield ours.recv()
    finally:
        ours.close()
        process.join(10)
        if process.is_alive():
            process.terminate()


def bench_settings(database_url: str, side: dict[str, str], root: Path) -> Settings:
    """Our service's settings: the scratch database, the in-process fakeredis, the sandbox DingTalk."""
    return Settings(
        environment="bench",
        database_url=database_url,
        redis_url=None,
        data_dir=root / "data",
        log_json=False,
        audit={"anchor_path": root / "anchor.json"},
        dingtalk=DingTalkSettings(
            api_base_url=side["base_url"],
            oapi_base_url=side["base_url"],
            client_id=side["client_id"],
            client_secret=side["client_secret"],
            agent_id=side["agent_id"],
            corp_id=side["corp_id"],
        ),
    )


@asynccontextmanager
async def world(database_url: str, staff: int, instances: int) -> AsyncIterator[World]:
    """The sandbox DingTalk on loopback in its own process, our container pointed at it, the Stream runner(s)
    connected."""
    clock = SystemClock()
    tmp = tempfile.TemporaryDirectory(prefix="kz-bench-cards-")
    async with dingtalk_side(spread_pushes=instances > 1) as side, aiohttp.ClientSession() as http:
        base_url = side["base_url"]
        container = await build_container(bench_settings(database_url, side, Path(tmp.name)), clock=clock)
        try:
            async with our_service(container, side, database_url, Path(tmp.name), instances):
                for _ in range(250):
                    if await _get(http, f"{base_url}/_bench/connections") >= instances:
                        break
                    await asyncio.sleep(0.02)
                else:
                    raise RuntimeError("the Stream runners never all connected to the sandbox gateway")
                staff_ids, enterprise_id = await organisation(container, staff)
                freeze_startup_heap()  # as `kezhuan serve` does once started
                yield World(container, http, base_url, staff_ids, enterprise_id)
        finally:
            await container.aclose()
            tmp.cleanup()


@asynccontextmanager
async def our_service(
    container: Container, side: dict[str, str], database_url: str, root: Path, instances: int
) -> AsyncIterator[None]:
    """One instance: the Stream runner in this process, beside the container (as before --instances). More: each
    instance in its own process, as deployed on several hosts; this process's container only seeds and counts."""
    if instances == 1:
        await warm_pool(container.engine, container.settings.database_pool_size)  # as `kezhuan serve` does
        runner = build_stream(container, reconnect_base_seconds=0.05)
        assert runner is not None
        try:
            await runner.start()
            yield
        finally:
            await runner.stop()
        return
    context = multiprocessing.get_context("spawn")
    started: list[tuple[Connection, multiprocessing.process.BaseProcess]] = []
    try:
        for n in range(instances):
            ours, theirs = context.Pipe()
            process = context.Process(
                target=serve_instance,
                args=(theirs, side, database_url, str(root / f"i{n}")),
                name=f"kezhuan-{n}",
                daemon=True,
            )
            process.start()
            started.append((ours, process))
        for n, (ours, _) in enumerate(started):
            if not await asyncio.get_running_loop().run_in_executor(None, _started, ours):
                raise RuntimeError(f"instance {n} of our service did not start")
        yield
    finally:
        for ours, _ in started:
            ours.close()  # each instance stops its runner when its pipe closes
        for _, child in started:
            await asyncio.get_running_loop().run_in_executor(None, child.join, 10)
            if child.is_alive():
                child.terminate()


def _started(conn: Connection) -> bool:
    try:
        return bool(conn.poll(60.0) and conn.recv() == "started")
    except EOFError:  # the instance died; its traceback is on stderr
        return False


def serve_instance(conn: Connection, side: dict[str, str], database_url: str, root: str) -> None:
    """An instance's process: its own container and Stream runner, on the shared scratch database."""
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(_instance(conn, side, database_url, Path(root)))


async def _instance(conn: Connection, side: dict[str, str], database_url: str, root: Path) -> None:
    container = await build_container(bench_settings(database_url, side, root))
    await warm_pool(container.engine, container.settings.database_pool_size)  # as `kezhuan serve` does
    runner = build_stream(container, reconnect_base_seconds=0.05)
    assert runner is not None
    try:
        await runner.start()
        freeze_startup_heap()
        conn.send("started")
        await asyncio.get_running_loop().run_in_executor(None, until_closed, conn)
    finally:
        await runner.stop()
        await container.aclose()


async def _get(http: aiohttp.ClientSession, url: str) -> int:
    async with http.get(url) as response:
        return int((await response.json())["count"])


async def organisation(container: Container, staff_count: int) -> tuple[list[int], int]:
    """An institution (admin 林管理), a centre, staff member 张三 (and more when asked), a served enterprise with a
    contact: through the use cases; the system admin and the two DingTalk bindings are inserted, as the tests do."""
    regions, registry = Regions.load(), SandboxBusinessRegistry()
    async with container.uow() as uow:
        now = uow.clock.now()
        root = Account(
            name="系统管理员", mobile="13900000000", status=AccountStatus.ACTIVE, created_at=now, updated_at=now
        )
        uow.session.add(root)
        await uow.session.flush()
        uow.session.add(AccountRole(account_id=root.id, role=Role.SYSTEM_ADMIN, scope_key="", created_at=now))
        await uow.commit()
    inst = await create_institution(
        CreateInstitution(
            actor_id=root.id,
            name="浙江大学技术转移中心",
            credit_code="12330000470003281H",
            type="university",
            region_code="330106",
            admin_name="林管理",
            admin_mobile=ADMIN_MOBILE,
        ),
        container.uow(),
        regions,
        membership=container.membership_policy,
        fee_floor_bp=container.demand_policy.fee_floor_bp,
    )
    admin = inst.admin_account_id
    centre = (
        await create_centre(
            CreateCentre(admin, inst.institution_id, "杭州西湖分中心", "330106"), container.uow(), regions
        )
    ).centre_id
    people = [("张三", STAFF_MOBILE)] + [(f"技转{n}", f"137{n:08d}") for n in range(1, staff_count)]
    staff = [
        await add_staff(
            AddStaff(admin, centre, name, mobile, "技术经纪人"), container.uow(), membership=container.membership_policy
        )
        for name, mobile in people
    ]
    enterprise = await add_enterprise(
        AddEnterprise(admin, inst.institution_id, "杭州云栖智能传感科技有限公司"), container.uow(), registry, regions
    )
    await add_enterprise_contact(
        AddEnterpriseContact(admin, enterprise.enterprise_id, "陈经理", "总经理", "13900000005"), container.uow()
    )
    async with container.sessionmaker() as session, session.begin():
        userids = [(admin, ADMIN_USERID)] + [
            (s.account_id, f"{STAFF_USERID}-{n}" if n else STAFF_USERID) for n, s in enumerate(staff)
        ]
        for account_id, userid in userids:
            session.add(DingTalkBinding(account_id=account_id, userid=userid, created_at=container.clock.now()))
    return [s.account_id for s in staff], enterprise.enterprise_id


async def seed(w: World, count: int, batch: int) -> tuple[list[int], int]:
    """`count` submitted demands, their review cards delivered to the admin's sandbox DingTalk; answers the
    demand ids and how many review cards the admin had before."""
    ids = []
    for n in range(count):
        staff_id = w.staff_ids[n % len(w.staff_ids)]
        submitted = await submit_demand(
            SubmitDemand(staff_id, w.enterprise_id, FIELDS, False), w.container.uow(), w.container.demand_policy
        )
        ids.append(submitted.demand_id)
    before = await cards(w)
    relay = Relay(
        sessionmaker=w.container.sessionmaker,
        channels=w.container.channels,
        coordination=w.container.coordination,
        clock=w.container.clock,
        settings=w.container.settings.outbox,
        timezone=w.container.timezone,
        relay_id=f"bench-seed-{batch}",
    )
    # The cards and the to-dos, as the relay delivers them within seconds of a submission: a press then
    # completes each to-do DingTalk holds. Notices wait in the outbox; they play no part in a press.
    relay.channels = {
        name: c for name, c in relay.channels.items() if name in (Channel.DINGTALK_CARD, Channel.DINGTALK_TODO)
    }
    while await relay.run_once() > 0 or await cards(w) - before < count:
        await asyncio.sleep(0.01)
    return ids, before


async def cards(w: World) -> int:
    return await _get(w.http, f"{w.base_url}/_bench/cards")


@dataclass
class Round:
    concurrency: int
    latencies: list[float]
    redelivery_latencies: list[float]
    elapsed: float
    errors: int


async def press_all(w: World, skip: int, concurrency: int) -> Round:
    """DingTalk's side presses 通过 on every card from `skip` on and redelivers each frame once."""
    async with w.http.post(
        f"{w.base_url}/_bench/press",
        json={"skip": skip, "concurrency": concurrency},
        timeout=aiohttp.ClientTimeout(total=None),
    ) as response:
        measured = await response.json()
    return Round(
        concurrency, measured["latencies"], measured["redelivery_latencies"], measured["elapsed"], measured["errors"]
    )


async def notices(w: World) -> int:
    async with w.container.sessionmaker() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(
                    OutboxMessage.channel == Channel.DINGTALK_WORK_NOTICE,
                    OutboxMessage.recipient.startswith(STAFF_USERID),
                )
            )
            or 0
        )


async def effects(w: World, demand_ids: list[int], notices_before: int) -> tuple[int, int]:
    """(decisions, duplicates): demands now 对接中, and effects beyond one per demand: approve events, points
    entries for the approval, work notices to the staff member."""
    async with w.container.sessionmaker() as session:
        decided = int(
            await session.scalar(
                select(func.count())
                .select_from(Demand)
                .where(Demand.id.in_(demand_ids), Demand.status == DemandStatus.DOCKING)
            )
            or 0
        )
        approvals = int(
            await session.scalar(
                select(func.count())
                .select_from(DemandEvent)
                .where(DemandEvent.demand_id.in_(demand_ids), DemandEvent.action == "approve")
            )
            or 0
        )
        entries = int(
            await session.scalar(
                select(func.count())
                .select_from(PointEntry)
                .join(PointEvent, PointEvent.id == PointEntry.event_id)
                .where(PointEvent.demand_id.in_(demand_ids), PointEvent.kind == PointEventKind.DEMAND_APPROVED)
            )
            or 0
        )
    told = await notices(w) - notices_before
    return decided, (approvals - decided) + max(0, entries - decided) + max(0, told - decided)


async def run(options: Options) -> dict[str, Any]:
    rounds: dict[str, Any] = {}
    async with scratch_database(options.database_url) as url, world(url, options.staff, options.instances) as w:
        for n, concurrency in enumerate(options.concurrencies):
            seeded = time.perf_counter()
            demand_ids, skip = await seed(w, options.demands, n)
            seed_seconds = time.perf_counter() - seeded
            told_before = await notices(w)
            result = await press_all(w, skip, concurrency)
            decisions, duplicates = await effects(w, demand_ids, told_before)
            rounds[str(concurrency)] = {
                "demands": len(demand_ids),
                "decisions": decisions,
                "duplicates": duplicates,
                "errors": result.errors,
                "ack_p50_ms": round(percentile(result.latencies, 0.50) * 1000, 2),
                "ack_p99_ms": round(percentile(result.latencies, 0.99) * 1000, 2),
                "redelivery_p99_ms": round(percentile(result.redelivery_latencies, 0.99) * 1000, 2),
                "decisions_per_s": round(decisions / result.elapsed, 1),
                "seed_seconds": round(seed_seconds, 1),
            }
            emit(json.dumps({"concurrency": concurrency, **rounds[str(concurrency)]}))
    headline = rounds.get("10") or next(iter(rounds.values()))
    return {
        "backend": "sqlite" if options.database_url is None or is_sqlite(options.database_url) else "postgresql",
        "ack_p50_ms": headline["ack_p50_ms"],
        "ack_p99_ms": headline["ack_p99_ms"],
        "decisions_per_s": headline["decisions_per_s"],
        "decisions": headline["decisions"],
        "duplicates": sum(r["duplicates"] for r in rounds.values()),
        "errors": sum(r["errors"] for r in rounds.values()),
        "demands_per_round": options.demands,
        "staff": options.staff,
        "instances": options.instances,
        "rounds": rounds,
    }


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    summary = asyncio.run(run(options))
    emit(json.dumps(summary, ensure_ascii=False))
    ok = (
        summary["duplicates"] == 0
        and summary["errors"] == 0
        and all(r["decisions"] == r["demands"] for r in summary["rounds"].values())
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
