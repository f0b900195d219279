"""Issue the next registration number (登记号) of a year and region, inside the approving transaction.

The counter row is bumped by one UPDATE … RETURNING under its row lock, held until the approval commits: two
approvals at once queue on the row and get consecutive numbers, and an approval that rolls back takes its bump
with it, so the numbers run 1, 2, 3 … with no gap and no repeat. (A database sequence would leave a gap for every
rolled-back approval.) The first number of a year and region creates the row first, racing safely on its unique
key.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, update

from handlers.registration.policy import RegistrationPolicy
from store.base import table_of
from store.db import insert_new
from store.models.registration import RegistrationCounter
from store.transaction import Transaction

_COUNTERS = table_of(RegistrationCounter)
_BUMP = (
    update(_COUNTERS)
    .where(_COUNTERS.c.year == bindparam("of_year"), _COUNTERS.c.region_code == bindparam("of_region"))
    .values(last_value=_COUNTERS.c.last_value + 1)
    .returning(_COUNTERS.c.last_value)
)


@dataclass(frozen=True)
class IssuedNumber:
    year: int
    region_code: str
    seq: int
    number: str


async def issue_registration_number(
    tx: Transaction, policy: RegistrationPolicy, region_code: str, *, year: int | None = None
) -> IssuedNumber:
    """`region_code`: the 6-digit code the counter counts for (the reviewing city's, say); `year`: the business
    year of the approval unless given."""
    if not (len(region_code) == 6 and region_code.isdigit()):
        raise ValueError(f"region code {region_code!r}: six digits")
    if year is None:
        year = tx.clock.now().astimezone(ZoneInfo(policy.timezone)).year
    params = {"of_year": year, "of_region": region_code}
    seq = (await tx.session.execute(_BUMP, params)).scalar_one_or_none()
    if seq is None:
        await tx.session.execute(
            insert_new(tx.session, RegistrationCounter), {"year": year, "region_code": region_code, "last_value": 0}
        )
        seq = (await tx.session.execute(_BUMP, params)).scalar_one()
    return IssuedNumber(year, region_code, seq, policy.registration_number(year, region_code, seq))
