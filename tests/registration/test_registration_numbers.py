"""Registration numbers: a counter row per year and region, bumped in the approving transaction — gap-free and
unique under concurrent approvals, and a rolled-back approval gives its number back."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from bot.bootstrap import Container, registration_policy
from bot.settings import NumberFormatSetting, RegistrationSettings, Settings
from handlers.errors import Conflict
from handlers.registration.issue_registration_number import IssuedNumber, issue_registration_number
from handlers.registration.policy import NumberFormat, RegistrationPolicy
from handlers.transactions import transact
from store.transaction import Transaction
from tests.policies import REGISTRATION

CITY = "110100"


async def issue(container: Container, region: str = CITY, year: int = 2026, *, hold: bool = False) -> IssuedNumber:
    async def work(tx: Transaction) -> IssuedNumber:
        issued = await issue_registration_number(tx, REGISTRATION, region, year=year)
        if hold:
            await asyncio.sleep(0.002)  # keep the row lock a moment: the others queue behind it
        return issued

    return await transact(container.uow(), work)


async def test_a_hundred_concurrent_approvals_get_1_to_100(container: Container) -> None:
    issued = await asyncio.gather(*(issue(container, hold=True) for _ in range(100)))
    assert sorted(i.seq for i in issued) == list(range(1, 101))
    assert len({i.number for i in issued}) == 100
    # The counter goes on from there.
    assert (await issue(container)).seq == 101


async def test_a_rolled_back_approval_leaves_no_gap(container: Container) -> None:
    assert (await issue(container)).seq == 1

    async def refused(tx: Transaction) -> None:
        taken = await issue_registration_number(tx, REGISTRATION, CITY, year=2026)
        assert taken.seq == 2
        raise Conflict("审核已由他人处理")  # the approval fails after the number was drawn

    with pytest.raises(Conflict):
        await transact(container.uow(), refused)
    assert (await issue(container)).seq == 2
    assert (await issue(container)).seq == 3


async def test_each_year_and_region_counts_on_its_own(container: Container) -> None:
    assert [(await issue(container, CITY, 2026)).seq for _ in range(2)] == [1, 2]
    assert (await issue(container, "120100", 2026)).seq == 1
    assert (await issue(container, CITY, 2027)).seq == 1
    assert (await issue(container, CITY, 2026)).seq == 3


async def test_the_year_is_the_business_year_of_the_approval(container: Container) -> None:
    # 2026-12-31 20:00 UTC is already 2027 in Beijing.
    from datetime import UTC, datetime

    from handlers.clock import ManualClock

    clock = ManualClock(datetime(2026, 12, 31, 20, 0, tzinfo=UTC))
    shifted = dataclasses.replace(container, clock=clock)
    issued = await transact(shifted.uow(), lambda tx: issue_registration_number(tx, REGISTRATION, CITY))
    assert issued.year == 2027 and issued.number == f"{CITY}20270001"


def test_formats_per_year_and_region() -> None:
    policy = RegistrationPolicy(
        number_format="DJ{year}{region}{seq:05d}",
        number_formats=(
            NumberFormat("JJJ-{region}-{year}-{seq:04d}", None, "11"),  # Beijing, every year
            NumberFormat("BJ{year}{seq:03d}", 2027, "1101"),  # Beijing city, 2027 only
            NumberFormat("T{seq}", 2027, ""),  # every region in 2027
        ),
        certification_page="",
        sms_decision_template="T",
        timezone="Asia/Shanghai",
    )
    assert policy.registration_number(2026, "330100", 7) == "DJ202633010000007"
    assert policy.registration_number(2026, "110100", 7) == "JJJ-110100-2026-0007"
    assert policy.registration_number(2027, "110100", 7) == "BJ2027007"  # one year beats every year
    assert policy.registration_number(2027, "120100", 7) == "T7"
    assert REGISTRATION.registration_number(2026, "110105", 42) == "11010520260042"  # the default


def test_a_bad_format_is_refused_at_start_up() -> None:
    for pattern in ("{region}{year}", "{seq}{name}", "{seq:xyz}"):
        with pytest.raises(ValueError):
            NumberFormat(pattern, None, "")
    with pytest.raises(ValueError):
        NumberFormat("{seq}", None, "123")  # a region prefix is 2, 4 or 6 digits
    settings = Settings(
        registration=RegistrationSettings(number_formats=[NumberFormatSetting(pattern="{year}", year=2026)])
    )
    with pytest.raises(ValueError):
        registration_policy(settings)
