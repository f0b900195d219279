"""Performance monitoring at a province's scale (issue #18): the province overview for a year, and a drill-down
exported to Excel.

PostgreSQL only (the data are generated with generate_series): 1,000,000 point entries (and their events),
100,000 demands (each approved once), 50,000 follow-ups (three in five visits), 500 centres of 50 institutions
spread over the districts of 3 cities (杭州, 宁波, 温州), 2,000 staff. The province's official asks for the
overview of 2025 twenty times through the use case (`show_monitor`, no HTTP): p95 against the time its SQL
statements take alone (summed from the driver's cursor timings within one call, the median over the calls). Then
the points behind 杭州市's figure over the first 219 days (about 200,000 rows; a tenth with --quick) are written
to an Excel file by the same functions the REST route uses (`export_facts` streaming from the database,
`write_xlsx`), timed, with the process's peak RSS.

    .venv/bin/python bench/monitoring.py --quick --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/monitoring.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test

The last line is one JSON object: p95_ms, sql_ms, ratio (p95 over the SQL alone), export_rows, export_seconds,
export_peak_rss_mb, and the sizes generated.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event, insert, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bench.outbox_relay import emit, percentile, scratch_database
from handlers.clock import SystemClock
from handlers.monitoring.drill_down import DrillDown
from handlers.monitoring.export_facts import export_facts
from handlers.monitoring.facts import Measure
from handlers.monitoring.period import Period
from handlers.monitoring.show_monitor import ShowMonitor, show_monitor
from handlers.monitoring.views import View
from handlers.points.daily import derive_days
from handlers.reference.regions import Regions
from miniapp_api.monitoring import FACT_COLUMNS, fact_lines, write_xlsx
from store.db import create_engine, create_sessionmaker, is_sqlite
from store.models.organisation import Account, AccountRole, Centre, Institution, Official
from store.uow import UnitOfWork

ZONE = ZoneInfo("Asia/Shanghai")
CITIES = ("330100", "330200", "330300")
YEAR = Period(date(2025, 1, 1), date(2025, 12, 31))
EXPORT = Period(date(2025, 1, 1), date(2025, 8, 7))  # 219 days of 杭州市's points: about 200,000 rows


@dataclass(frozen=True)
class Options:
    entries: int
    demands: int
    follow_ups: int
    centres: int
    institutions: int
    staff: int
    requests: int
    database_url: str


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a tenth of the data")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--database-url", required=True, help="PostgreSQL server to create a scratch database on")
    args = parser.parse_args(argv)
    if is_sqlite(args.database_url):
        parser.error("the monitoring bench generates its data with PostgreSQL's generate_series")
    k = 10 if args.quick else 1
    return Options(1_000_000 // k, 100_000 // k, 50_000 // k, 500, 50, 2000, args.requests, args.database_url)


async def seed(engine: AsyncEngine, o: Options, regions: Regions) -> int:
    """The organisation row by row (a few thousand), the ledgers and records with INSERT … SELECT, the points'
    daily rollup derived from them; returns the province official's account id. Ids start at 1 in the scratch
    database, so they are computed, not read."""
    now = datetime(2025, 1, 1, tzinfo=UTC)
    districts = [r.code for city in CITIES for r in regions.children(city)]
    sql = [
        # staff accounts 1..staff, then the institutions' admins, then the official
        f"""INSERT INTO accounts (name, mobile, status, created_at, updated_at)
            SELECT '技转' || n, '139' || lpad(n::text, 8, '0'), 'active', :now, :now
            FROM generate_series(1, {o.staff + o.institutions}) n""",
    ]
    async with engine.begin() as conn:
        for statement in sql:
            await conn.execute(text(statement), {"now": now})
        official = (
            await conn.execute(
                insert(Account).returning(Account.id),
                [{"name": "省厅", "mobile": "13700000000", "status": "active", "created_at": now, "updated_at": now}],
            )
        ).scalar_one()
        await conn.execute(
            insert(Official),
            [{"account_id": official, "region_code": "330000", "level": "province", "created_at": now}],
        )
        await conn.execute(
            insert(AccountRole),
            [
                {
                    "account_id": official,
                    "role": "official",
                    "scope_key": "region:330000",
                    "region_code": "330000",
                    "created_at": now,
                }
            ],
        )
        await conn.execute(
            insert(Institution),
            [
                {
                    "name": f"机构{i}",
                    "credit_code": f"BENCH{i:013d}",
                    "type": "university",
                    "service_types": [],
                    "min_fee_ratio_bp": 500,
                    "introduction": "",
                    "region_code": districts[i % len(districts)],
                    "admin_account_id": o.staff + i,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(1, o.institutions + 1)
            ],
        )
        await conn.execute(
            insert(Centre),
            [
                {
                    "institution_id": (c - 1) % o.institutions + 1,
                    "name": f"中心{c}",
                    "region_code": districts[c % len(districts)],
                    "created_at": now,
                    "updated_at": now,
                }
                for c in range(1, o.centres + 1)
            ],
        )
        big = [
            f"""INSERT INTO staff_members (account_id, institution_id, centre_id, position, created_at)
                SELECT n, ((n - 1) % {o.centres}) % {o.institutions} + 1, (n - 1) % {o.centres} + 1, '技术经理', :now
                FROM generate_series(1, {o.staff}) n""",
            """INSERT INTO enterprises (credit_code, name, region_code, legal_representative, address, verification,
                    created_at, updated_at)
                SELECT 'E' || lpad(n::text, 17, '0'), '企业' || n, '330106', '法人', '地址', 'unverified', :now, :now
                FROM generate_series(1, 1000) n""",
            f"""INSERT INTO demands (number, title, enterprise_id, origin, institution_id, centre_id, staff_account_id,
                    created_by, tech_fields, description, region_code, expected_result, fee_ratio_bp, attachment_ids,
                    status, created_at, updated_at)
                SELECT 'B' || n, '需求' || n, n % 1000 + 1, 'staff', c.institution_id, c.id, c.id, c.id, '[]', '',
                    c.region_code, '', 1000, '[]', 'docking', :now, :now
                FROM generate_series(1, {o.demands}) n JOIN centres c ON c.id = (n - 1) % {o.centres} + 1""",
            f"""INSERT INTO demand_events (demand_id, action, from_status, to_status, actor, actor_name, note, at)
                SELECT n, 'approve', 'pending_review', 'docking', 'system', '系统', '',
                    CAST(:now AS timestamptz) + (n % 365) * interval '1 day' + (n % 24) * interval '1 hour'
                FROM generate_series(1, {o.demands}) n""",
            f"""INSERT INTO demand_follow_ups (demand_id, account_id, kind, occurred_at, content, attachment_ids,
                    created_at)
                SELECT (n * 13) % {o.demands} + 1, (n - 1) % {o.staff} + 1,
                    CASE WHEN n % 5 < 3 THEN 'visit' ELSE 'phone' END,
                    CAST(:now AS timestamptz) + (n % 365) * interval '1 day' + (n % 24) * interval '1 hour',
                    '走访', '[]', :now
                FROM generate_series(1, {o.follow_ups}) n""",
            f"""INSERT INTO point_events (kind, fact_key, demand_id, push_id, project_id, account_id, institution_id,
                    centre_id, occurred_at, recorded_at)
                SELECT CASE WHEN n % 10 = 0 THEN 'project_registered' WHEN n % 10 < 3 THEN 'demand_approved'
                        ELSE 'expert_push_accepted' END,
                    'bench:' || n, n % {o.demands} + 1, n, n, a, (((a - 1) % {o.centres}) % {o.institutions}) + 1,
                    (a - 1) % {o.centres} + 1,
                    CAST(:now AS timestamptz) + (n % 365) * interval '1 day' + (n % 24) * interval '1 hour', :now
                FROM generate_series(1, {o.entries}) n, LATERAL (SELECT (n - 1) % {o.staff} + 1 AS a) s""",
            """INSERT INTO point_entries (event_id, rule_set_version, points, reason, account_id, institution_id,
                    centre_id, created_at)
                SELECT id, 1, CASE kind WHEN 'project_registered' THEN 5 WHEN 'demand_approved' THEN 2 ELSE 1 END,
                    kind, account_id, institution_id, centre_id, :now
                FROM point_events""",
        ]
        for statement in big:
            await conn.execute(text(statement), {"now": now})
    async with AsyncSession(engine) as session, session.begin():
        # The ledgers were written past the recorder: their daily rollup is derived from them, as a rebuild does.
        await derive_days(session)
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("VACUUM ANALYZE"))
    return int(official)


async def run(o: Options) -> dict[str, Any]:
    regions = Regions.load()
    async with scratch_database(o.database_url) as url:
        engine = create_engine(url)
        try:
            t0 = time.perf_counter()
            official = await seed(engine, o, regions)
            seed_seconds = time.perf_counter() - t0
            sessionmaker = create_sessionmaker(engine)
            clock = SystemClock()
            spent: list[float] = []

            @event.listens_for(engine.sync_engine, "before_cursor_execute")
            def _started(conn: Any, cursor: Any, statement: Any, params: Any, context: Any, many: Any) -> None:
                conn.info["kz_t0"] = time.perf_counter()

            @event.listens_for(engine.sync_engine, "after_cursor_execute")
            def _ended(conn: Any, cursor: Any, statement: Any, params: Any, context: Any, many: Any) -> None:
                spent.append(time.perf_counter() - conn.info.pop("kz_t0"))

            totals: list[float] = []
            sql: list[float] = []
            rows = 0
            for _ in range(o.requests):
                spent.clear()
                t0 = time.perf_counter()
                shown = await show_monitor(
                    ShowMonitor(official, View.OVERVIEW, YEAR), UnitOfWork(sessionmaker, clock), ZONE, regions
                )
                totals.append((time.perf_counter() - t0) * 1000)
                sql.append(sum(spent) * 1000)
                rows = len(shown.rows)
            province = shown.rows[0].figures
            event.remove(engine.sync_engine, "before_cursor_execute", _started)
            event.remove(engine.sync_engine, "after_cursor_execute", _ended)

            cmd = DrillDown(official, View.OVERVIEW, int(CITIES[0]), Measure.POINTS, EXPORT)
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            t0 = time.perf_counter()
            counted = 0

            async def counting() -> Any:
                nonlocal counted
                async for line in fact_lines(export_facts(cmd, UnitOfWork(sessionmaker, clock), ZONE), ZONE):
                    counted += 1
                    yield line

            with tempfile.TemporaryFile() as out:
                size = await write_xlsx(out, "累计积分明细", [["累计积分明细"], FACT_COLUMNS], counting())
            export_seconds = time.perf_counter() - t0
            rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        finally:
            await engine.dispose()
    totals.sort()
    p95, sql_ms = percentile(totals, 0.95), statistics.median(sql)
    return {
        "backend": "postgresql",
        "point_entries": o.entries,
        "demands": o.demands,
        "follow_ups": o.follow_ups,
        "centres": o.centres,
        "seed_seconds": round(seed_seconds, 1),
        "overview_rows": rows,
        "province_points": province["points"],
        "p50_ms": round(percentile(totals, 0.5), 1),
        "p95_ms": round(p95, 1),
        "sql_ms": round(sql_ms, 1),
        "ratio": round(p95 / sql_ms, 2),
        "export_rows": counted,
        "export_bytes": size,
        "export_seconds": round(export_seconds, 2),
        "rss_before_export_mb": round(rss_before, 1),
        "export_peak_rss_mb": round(rss_after, 1),
    }


def main(argv: list[str] | None = None) -> int:
    result = asyncio.run(run(parse_args(argv)))
    emit(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
