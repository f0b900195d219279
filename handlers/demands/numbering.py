"""The number people see on a demand (XQ2026-000123): gap-free per business year.

A counter row per year, incremented by one upsert (INSERT … ON CONFLICT DO UPDATE … RETURNING) in the transaction
that creates the demand. The row lock it takes lasts to that transaction's commit, so concurrent creations queue
on it, and a creation that rolls back gives its number back: no database sequence, which would leave gaps.
The year is the business timezone's, read from the injected clock."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.dialects import postgresql, sqlite

from store.base import table_of
from store.models.demands import DemandNumberCounter
from store.uow import UnitOfWork

PREFIX = "XQ"
_COUNTERS = table_of(DemandNumberCounter)


def format_number(year: int, sequence: int) -> str:
    return f"{PREFIX}{year}-{sequence:06d}"


async def next_number(uow: UnitOfWork, zone: ZoneInfo) -> str:
    year = uow.clock.now().astimezone(zone).year
    dialect = uow.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    upsert = insert(_COUNTERS).values(year=year, last=1)
    statement = upsert.on_conflict_do_update(
        index_elements=[_COUNTERS.c.year], set_={"last": _COUNTERS.c.last + 1}
    ).returning(_COUNTERS.c.last)
    sequence = (await uow.session.execute(statement)).scalar_one()
    return format_number(year, int(sequence))
