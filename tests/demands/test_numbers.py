"""Demand numbers (XQ2026-000123): gap-free per business year under concurrency, the year read in Shanghai from
the injected clock, a rolled-back creation giving its number back, and existing demands numbered by the migration."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import select, text

from handlers.clock import ManualClock
from handlers.demands.get_demand import GetDemand, get_demand
from handlers.demands.list_demands import ListDemands, list_demands
from handlers.demands.numbering import next_number
from handlers.demands.submit_pool_demand import SubmitPoolDemand, submit_pool_demand
from handlers.publications.letter import CURRENT_VERSION, render
from store.db import create_engine
from store.migrate import alembic_config, upgrade
from store.models.demands import Demand
from tests.demands.conftest import FIELDS, Bench, demand_of, outbox
from tests.demands.test_pool import contact_id
from tests.policies import DEMANDS


async def _numbers(bench: Bench) -> list[str]:
    async with bench.container.sessionmaker() as session:
        return list(await session.scalars(select(Demand.number).order_by(Demand.number)))


async def test_concurrent_submissions_number_one_to_n_without_gaps(bench: Bench) -> None:
    results = await asyncio.gather(*(bench.submit(draft=i % 2 == 0, title=f"需求{i}") for i in range(12)))
    expected = [f"XQ2026-{n:06d}" for n in range(1, 13)]
    assert await _numbers(bench) == expected
    numbers = {(await demand_of(bench.container, r.demand_id)).number for r in results}
    assert sorted(numbers) == expected


async def test_the_year_is_the_business_year_in_shanghai(bench: Bench, clock: ManualClock) -> None:
    first = await bench.submit()
    # 2026-12-31 16:30 UTC is already 2027-01-01 00:30 in Shanghai: a new year, counted from 1.
    clock.set(datetime(2026, 12, 31, 16, 30, tzinfo=UTC))
    second = await bench.submit()
    third = await bench.submit()
    assert [(await demand_of(bench.container, d.demand_id)).number for d in (first, second, third)] == [
        "XQ2026-000001",
        "XQ2027-000001",
        "XQ2027-000002",
    ]


async def test_a_rolled_back_creation_gives_its_number_back(bench: Bench) -> None:
    async with bench.org.uow as uow:
        assert await next_number(uow, DEMANDS.zone) == "XQ2026-000001"
        # no commit: the transaction rolls back, the number with it
    submitted = await bench.submit()
    assert (await demand_of(bench.container, submitted.demand_id)).number == "XQ2026-000001"


async def test_pool_demands_share_the_sequence(bench: Bench) -> None:
    await bench.submit()
    pooled = await submit_pool_demand(SubmitPoolDemand(await contact_id(bench), FIELDS), bench.org.uow, DEMANDS)
    assert (await demand_of(bench.container, pooled.demand_id)).number == "XQ2026-000002"


async def test_the_migration_numbers_existing_demands_per_year(bench: Bench) -> None:
    if not bench.container.settings.database_url.startswith("sqlite"):
        return  # the shared PostgreSQL test database is not taken down and up; SQLite shows the backfill
    ids = [(await bench.submit(title=f"旧需求{i}")).demand_id for i in range(4)]
    engine = create_engine(bench.container.settings.database_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(lambda sync: command.downgrade(alembic_config(sync), "0025_kept_contact_events"))
            # Created 2025-12-31 17:00 UTC: 2026-01-01 in Shanghai. The third demand was created in 2025 there.
            await conn.execute(
                text("UPDATE demands SET created_at = '2025-12-31 15:00:00.000000' WHERE id = :id"), {"id": ids[2]}
            )
            await conn.execute(
                text("UPDATE demands SET created_at = '2025-12-31 17:00:00.000000' WHERE id = :id"), {"id": ids[3]}
            )
        await upgrade(engine)
    finally:
        await engine.dispose()
    numbers = [(await demand_of(bench.container, i)).number for i in ids]
    assert numbers == ["XQ2026-000002", "XQ2026-000003", "XQ2025-000001", "XQ2026-000001"]
    # The counters continue after the backfill.
    assert (await demand_of(bench.container, (await bench.submit()).demand_id)).number == "XQ2026-000004"


async def test_people_see_the_number_not_the_id(bench: Bench) -> None:
    await bench.submit(draft=True)
    submitted = await bench.submit()
    detail = await get_demand(GetDemand(bench.staff_id, submitted.demand_id), bench.org.uow)
    assert detail.number == "XQ2026-000002"
    rows = (await list_demands(ListDemands(bench.staff_id), bench.org.uow)).items
    assert {r.number for r in rows} == {"XQ2026-000001", "XQ2026-000002"}
    [card] = await outbox(bench.container, "dingtalk.card", "dt-admin")
    assert card.payload["card_data"]["summary"].startswith("需求编号：XQ2026-000002\n")


def test_a_letter_of_the_first_version_still_names_the_id() -> None:
    old = render(
        "2026.1", publisher="甲", acceptor="乙", title="需求", demand_id=7, number="XQ2026-000007", fee_ratio_bp=800
    )
    new = render(
        CURRENT_VERSION,
        publisher="甲",
        acceptor="乙",
        title="需求",
        demand_id=7,
        number="XQ2026-000007",
        fee_ratio_bp=800,
    )
    assert "（需求编号 7）" in old.text and "（需求编号 XQ2026-000007）" in new.text
