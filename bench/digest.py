"""The experts' daily digest at scale, on PostgreSQL, against the floor of doing the matching inside PostgreSQL.

World (seeded with set-based SQL, so this process's memory is the digest's): 20 institutions, N experts (10 % of
them maintained by two institutions), each bound, following the official account (2 % unfollowed) and
subscribed to three fields drawn uniformly from the 314-node taxonomy (any level; a repeat draw collapses),
and 2,000 demands approved in the last six days, each in one or two leaf fields, spread over the institutions.

Measured:
- `seconds`: `run_digest` itself, the code the scheduler runs: match every expert, write the digest rows, one
  outbox row per expert with the template payload, and the (expert, demand) pair rows, committed per chunk;
- `sql_floor_seconds`: one INSERT … SELECT of the same (expert, demand) pairs with the same predicates
  (handlers.expert_digest.matching.matches, one range covering every expert) into a scratch table, timed
  after one warm-up run of the same statement (none with --quick, to stay under a minute), with JIT off as
  in run_digest (it only slows this statement);
- `peak_rss_mb`: this process's peak resident memory (seeding happens inside PostgreSQL).

    .venv/bin/python bench/digest.py --quick          # 10,000 experts
    .venv/bin/python bench/digest.py                  # 100,000 experts
    .venv/bin/python bench/digest.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test

The last line is one JSON object: experts, subscriptions, demands, messages, pairs, seconds, sql_floor_seconds,
ratio, peak_rss_mb, chunk_size, seed_seconds, floor_pairs_equal.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from bench.outbox_relay import emit, peak_rss_mb, scratch_database
from bot.settings import DigestSettings
from handlers.clock import ManualClock
from handlers.expert_digest.matching import matches
from handlers.expert_digest.policy import DigestPolicy
from handlers.expert_digest.run_digest import RunDigest, first_window, run_digest
from handlers.reference.tech_fields import TechFields
from store.db import create_engine, create_sessionmaker, is_sqlite
from store.uow import UnitOfWork

APP_ID = "wx-bench"
SHANGHAI = ZoneInfo("Asia/Shanghai")
INSTITUTIONS = 20
DEMANDS = 2_000


@dataclass(frozen=True)
class Options:
    experts: int
    demands: int
    chunk_size: int
    database_url: str
    floor_runs: int  # the last is timed; the others warm the caches


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="10,000 experts")
    parser.add_argument("--experts", type=int, default=100_000)
    parser.add_argument("--demands", type=int, default=DEMANDS)
    parser.add_argument("--chunk-size", type=int, default=DigestSettings().chunk_size)
    parser.add_argument(
        "--database-url",
        default="postgresql+asyncpg://postgres@127.0.0.1:5432/test",
        help="PostgreSQL server to create a scratch database on",
    )
    args = parser.parse_args(argv)
    if is_sqlite(args.database_url):
        parser.error("the digest benchmark measures PostgreSQL")
    return Options(
        10_000 if args.quick else args.experts, args.demands, args.chunk_size, args.database_url, 1 if args.quick else 2
    )


def _seed_sql(experts: int, demands: int, now: datetime) -> list[tuple[str, dict[str, Any]]]:
    common = {"now": now, "app": APP_ID}
    sizes = {"{N}": str(int(experts)), "{D}": str(int(demands)), "{K}": str(INSTITUTIONS)}
    statements = [
        "SELECT setseed(0.42)",
        # Admins (1..k), then one account per expert (k+1..k+n), then a staff creator.
        """INSERT INTO accounts (name, mobile, status, created_at, updated_at)
           SELECT '人' || i, '1' || lpad(i::text, 10, '0'), 'active', :now, :now
           FROM generate_series(1, {K} + {N} + 1) i""",
        """INSERT INTO institutions (name, credit_code, type, service_types, min_fee_ratio_bp, introduction,
               region_code, admin_account_id, created_at, updated_at)
           SELECT '机构' || i, 'BENCH' || lpad(i::text, 13, '0'), 'university', '[]', 500, '', '330106', i, :now, :now
           FROM generate_series(1, {K}) i""",
        """INSERT INTO enterprises (credit_code, name, region_code, legal_representative, registered_capital_fen,
               address, established_on, verification, created_at, updated_at)
           SELECT 'ENT' || lpad(i::text, 15, '0'), '企业' || i, '330106', '法人', 0, '地址', '2020-01-01', 'verified',
                  :now, :now
           FROM generate_series(1, {K}) i""",
        """INSERT INTO experts (account_id, title, employer, introduction, created_at, updated_at)
           SELECT {K} + i, '教授', '大学', '', :now, :now FROM generate_series(1, {N}) i""",
        """INSERT INTO expert_links (expert_id, institution_id, added_by, created_at)
           SELECT id, 1 + (id % {K}), 1, :now FROM experts""",
        """INSERT INTO expert_links (expert_id, institution_id, added_by, created_at)
           SELECT id, 1 + ((id + 7) % {K}), 1, :now FROM experts WHERE id % 10 = 0""",
        """INSERT INTO mini_program_bindings (account_id, openid, created_at)
           SELECT account_id, 'mini-' || id, :now FROM experts""",
        """INSERT INTO expert_invitations (account_id, institution_id, scene, status, official_openid, created_at,
               expires_at, updated_at)
           SELECT account_id, 1 + (id % {K}), 'inv:' || id, 'bound', 'o-' || id, :now, :now, :now FROM experts""",
        """INSERT INTO wechat_followers (app_id, openid, subscribed, updated_at)
           SELECT :app, 'o-' || id, id % 50 <> 0, :now FROM experts""",
        """INSERT INTO expert_subscriptions (expert_id, field_code, created_at)
           SELECT DISTINCT p.expert_id, f.code, :now::timestamptz
           FROM (SELECT e.id AS expert_id, floor(random() * (SELECT count(*) FROM bench_fields))::int AS idx
                 FROM experts e, generate_series(1, 3)) p
           JOIN bench_fields f ON f.idx = p.idx""",
        """INSERT INTO demands (title, enterprise_id, origin, institution_id, centre_id, staff_account_id, created_by,
               tech_fields, description, region_code, expected_result, fee_ratio_bp, attachment_ids, status,
               created_at, updated_at, number)
           SELECT '需求' || i || '：某领域关键技术攻关与工艺改进', 1 + (i % {K}), 'staff', 1 + (i % {K}), NULL, NULL,
               {K} + {N} + 1,
               CASE WHEN random() < 0.3
                    THEN json_build_array(l1.code, l2.code) ELSE json_build_array(l1.code) END,
               '描述', '330106', '成果', 800, '[]', 'docking', :now, :now,
               'XQ2026-' || left(md5(random()::text || i), 9)
           FROM generate_series(1, {D}) i
           JOIN LATERAL (SELECT code FROM bench_leaves WHERE idx = floor(random() * (SELECT count(*) FROM bench_leaves)
                         + i * 0)::int) l1 ON true
           JOIN LATERAL (SELECT code FROM bench_leaves WHERE idx = floor(random() * (SELECT count(*) FROM bench_leaves)
                         + i * 0)::int) l2 ON true""",
        """INSERT INTO demand_events (demand_id, action, from_status, to_status, actor, actor_name, note, at)
           SELECT id, 'approve', 'pending_review', 'docking', 'account:1', '管理员', '',
               :now::timestamptz - (random() * interval '6 days') FROM demands""",
        "ANALYZE",
    ]
    out = []
    for statement in statements:
        for name, value in sizes.items():  # integers, inlined: asyncpg cannot type `$1 + $2` placeholders
            statement = statement.replace(name, value)
        out.append(
            (
                statement.replace(":now", "CAST(:now AS timestamptz)").replace(
                    "CAST(:now AS timestamptz)::timestamptz", "CAST(:now AS timestamptz)"
                ),
                common,
            )
        )
    return out


async def seed(url: str, options: Options, now: datetime) -> float:
    started = time.perf_counter()
    taxonomy = TechFields.load()
    codes = sorted(f.code for f in taxonomy)
    leaves = [c for c in codes if not any(o != c and o.startswith(c) for o in codes)]
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            for name, values in (("bench_fields", codes), ("bench_leaves", leaves)):
                await conn.execute(text(f"CREATE TABLE {name} (idx int PRIMARY KEY, code text)"))
                await conn.execute(
                    text(f"INSERT INTO {name} VALUES (:idx, :code)"),
                    [{"idx": i, "code": c} for i, c in enumerate(values)],
                )
            for statement, params in _seed_sql(options.experts, options.demands, now):
                used = {k: v for k, v in params.items() if f":{k}" in statement}
                await conn.execute(text(statement), used)
    finally:
        await engine.dispose()
    return time.perf_counter() - started


async def floor(url: str, policy: DigestPolicy, now: datetime, experts: int, runs: int) -> tuple[float, int]:
    """The same pairs, by the same statement, inserted by PostgreSQL alone; the last of `runs` is timed."""
    day = now.astimezone(SHANGHAI).date()
    select_pairs = matches(
        dialect="postgresql",
        app_id=policy.app_id,
        business_date=day,
        first_window=first_window(day, policy, SHANGHAI),
        lo=0,
        hi=experts + 1,
    ).subquery()
    compiled = (
        select_pairs.select()
        .with_only_columns(select_pairs.c.expert_id, select_pairs.c.id)
        .compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})  # type: ignore[no-untyped-call]
    )
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE floor_pairs (expert_id bigint, demand_id bigint)"))
        seconds, count = 0.0, 0
        for _ in range(runs):
            async with engine.begin() as conn:
                await conn.execute(text("TRUNCATE floor_pairs"))
            async with engine.begin() as conn:
                await conn.execute(text("SET LOCAL jit = off"))  # as run_digest does (see there why)
                started = time.perf_counter()
                result = await conn.execute(text(f"INSERT INTO floor_pairs (expert_id, demand_id) {compiled}"))
                seconds = time.perf_counter() - started
                count = result.rowcount
        return seconds, count
    finally:
        await engine.dispose()


async def run(options: Options) -> dict[str, Any]:
    now = datetime(2026, 3, 10, 8, tzinfo=UTC)  # 16:00 in Shanghai
    settings = DigestSettings(daily_cap=10**9, chunk_size=options.chunk_size)
    policy = DigestPolicy(app_id=APP_ID, miniapp_app_id="wx-mini", **settings.model_dump())
    async with scratch_database(options.database_url) as url:
        seed_seconds = await seed(url, options, now)
        floor_seconds, floor_pairs = await floor(url, policy, now, options.experts, options.floor_runs)
        engine = create_engine(url)
        sessionmaker = create_sessionmaker(engine)
        clock = ManualClock()
        clock.set(now)

        async def not_paused() -> bool:
            return False

        try:
            async with engine.connect() as conn:
                subscriptions = (await conn.execute(text("SELECT count(*) FROM expert_subscriptions"))).scalar_one()
            started = time.perf_counter()
            result = await run_digest(
                RunDigest(now.astimezone(SHANGHAI).date(), "bench", "bench"),
                lambda: UnitOfWork(sessionmaker, clock),
                policy,
                SHANGHAI,
                not_paused,
            )
            seconds = time.perf_counter() - started
        finally:
            await engine.dispose()
    return {
        "experts": options.experts,
        "subscriptions": subscriptions,
        "demands": options.demands,
        "messages": result.messages,
        "pairs": result.pairs,
        "seconds": round(seconds, 3),
        "sql_floor_seconds": round(floor_seconds, 3),
        "ratio": round(seconds / floor_seconds, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "chunk_size": options.chunk_size,
        "seed_seconds": round(seed_seconds, 1),
        "floor_pairs_equal": floor_pairs == result.pairs,
        "status": result.status,
    }


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    figures = asyncio.run(run(options))
    emit(json.dumps(figures, ensure_ascii=False))
    return 0 if figures["floor_pairs_equal"] else 1


if __name__ == "__main__":
    sys.exit(main())
