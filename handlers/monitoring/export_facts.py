"""All the rows behind one figure, for the Excel file: streamed from the database in batches (a server-side
cursor on PostgreSQL), so 200,000 rows never sit in memory at once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import tzinfo

from handlers.monitoring.drill_down import DrillDown, FactRow, behind, fact_row, ordered
from store.uow import UnitOfWork

BATCH = 2000


async def export_facts(cmd: DrillDown, uow: UnitOfWork, zone: tzinfo) -> AsyncIterator[FactRow]:
    """Checks scope before the first row: a refused or missing unit raises on the first iteration."""
    period = cmd.period.checked()
    async with uow:
        f, where = await behind(uow, cmd, period.window(zone))
        result = await uow.session.stream(ordered(f, where).execution_options(yield_per=BATCH))
        async for batch in result.partitions(BATCH):
            for row in batch:
                yield fact_row(cmd.measure, row)
