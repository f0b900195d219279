"""The turn from 2026 (the last year with a shipped schedule) to 2027 with a frozen clock: the reminder job
keeps counting (Monday to Friday), raises the alert, and never fails; once the system admin loads 2027's
schedule, every instance counts with it."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from click.testing import CliRunner
from prometheus_client import REGISTRY
from sqlalchemy import select

from bot.bootstrap import build_container
from bot.cli_calendar import calendar as calendar_cli
from bot.web import create_web_app
from handlers.calendar.load_holiday_schedule import LoadHolidaySchedule, load_holiday_schedule
from handlers.clock import ManualClock
from handlers.errors import Forbidden, InvalidInput
from handlers.follow_up_reminders.send_due_reminders import RemindersSent, send_due_reminders
from handlers.reviews.decide_review import DecideReview, Decision, decide_review
from handlers.staff.add_staff import AddStaff, add_staff
from store.models.audit import AuditEntry
from tests.api.conftest import World, bearer
from tests.api.openapi_check import problems, response_schema
from tests.demands.conftest import bind, build_bench, reviews_of
from tests.follow_ups.conftest import Docking, beijing
from tests.organisation.conftest import Org, org, regions, registry  # noqa: F401
from tests.policies import DEMANDS, MEMBERSHIP, SUBJECTS

# Test data, not the State Council's 2027 notice (not published when this was written): only New Year's Day,
# which the holiday law fixes, as a day off.
SCHEDULE_2027: dict[str, Any] = {
    "year": 2027,
    "source": {"title": "国务院办公厅关于2027年部分节假日安排的通知", "url": "https://example.invalid/test-only"},
    "holidays": ["2027-01-01"],
    "workdays": [],
}


@pytest.fixture
async def year_end(org: Org, clock: ManualClock) -> Docking:  # noqa: F811
    """A demand approved on Tuesday 29 December 2026 and left silent."""
    clock.set(beijing(2026, 12, 28, 10))
    bench = await build_bench(org)
    await bind(bench.container, bench.admin_id, "dt-admin")
    await bind(bench.container, bench.staff_id, "dt-zhang")
    boss = await add_staff(
        AddStaff(bench.admin_id, bench.centre_id, "王主任", "13800000006", "主任", True), org.uow, membership=MEMBERSHIP
    )
    other = await add_staff(
        AddStaff(bench.admin_id, bench.centre_id, "李四", "13800000007", "技术经纪人"), org.uow, membership=MEMBERSHIP
    )
    await bind(bench.container, boss.account_id, "dt-boss")
    submitted = await bench.submit()
    [review] = await reviews_of(bench.container, submitted.demand_id)
    clock.set(beijing(2026, 12, 29, 10))
    async with org.uow as uow:
        await decide_review(DecideReview(review.id, 0, Decision.APPROVE, userid="dt-admin"), uow, subjects=SUBJECTS)
        await uow.commit()
    return Docking(
        bench,
        clock,
        submitted.demand_id,
        boss.account_id,
        boss.staff_member_id,
        other.account_id,
        other.staff_member_id,
    )


def _alerts() -> float:
    return REGISTRY.get_sample_value("kezhuan_calendar_uncovered_year_total", {"year": "2027"}) or 0.0


async def _reminders(docking: Docking) -> int:
    return len([n for n in await docking.notices("dt-zhang") if "跟进提醒" in str(n.payload)])


async def test_at_2027_01_04_reminders_count_monday_to_friday_raise_the_alert_and_nothing_fails(
    year_end: Docking, caplog: pytest.LogCaptureFixture
) -> None:
    before = _alerts()
    with caplog.at_level(logging.WARNING, logger="store.working_calendar"):
        # 30 and 31 December and Friday 1 January (no 2027 schedule: a weekday counts) are the three silent days.
        assert await year_end.run_job(beijing(2026, 12, 31, 17)) == RemindersSent(0, 0)
        assert await year_end.run_job(beijing(2027, 1, 4, 8, 55)) == RemindersSent(0, 0)
        assert await year_end.run_job(beijing(2027, 1, 4, 9, 5)) == RemindersSent(1, 0)
        assert await year_end.run_job(beijing(2027, 1, 4, 9, 10)) == RemindersSent(0, 0)
        # The escalation's deadline counts 5 and 6 January: due at the opening of the 7th.
        assert await year_end.run_job(beijing(2027, 1, 6, 17, 59)) == RemindersSent(0, 0)
        assert await year_end.run_job(beijing(2027, 1, 7, 9, 1)) == RemindersSent(0, 1)
    assert await _reminders(year_end) == 1 and len(await year_end.notices("dt-boss")) == 1
    warnings = [r.getMessage() for r in caplog.records if "2027" in r.getMessage()]
    # Once per business day a computation reached 2027 (31 Dec, 4 and 7 Jan), however often the job ran.
    assert len(warnings) == 3 and "Monday-Friday" in warnings[0]
    assert _alerts() == before + 3
    assert REGISTRY.get_sample_value("kezhuan_calendar_year_without_schedule", {"year": "2027"}) == 1


async def test_a_2027_schedule_loaded_by_the_system_admin_counts_on_every_instance(
    year_end: Docking,
    org: Org,  # noqa: F811
) -> None:
    container = year_end.bench.container
    # Only the system admin may load one.
    with pytest.raises(Forbidden):
        await load_holiday_schedule(LoadHolidaySchedule(SCHEDULE_2027, year_end.bench.admin_id), org.uow)
    with pytest.raises(InvalidInput):
        await load_holiday_schedule(
            LoadHolidaySchedule({**SCHEDULE_2027, "workdays": ["2027-01-04"]}, org.admin_id), org.uow
        )
    loaded = await load_holiday_schedule(LoadHolidaySchedule(SCHEDULE_2027, org.admin_id), org.uow)
    assert (loaded.year, loaded.holidays, loaded.replaced) == (2027, 1, False)

    # Another instance (a new container on the same database) reads it on its refresh, before the job runs.
    other = await build_container(container.settings, clock=year_end.clock)
    try:
        assert await other.calendar.refresh(other.sessionmaker)
        assert not other.calendar.is_working_day(date(2027, 1, 1))
        year_end.clock.set(beijing(2027, 1, 4, 9, 5))
        assert await send_due_reminders(
            other.uow, other.follow_up_policy, other.office_hours, DEMANDS
        ) == RemindersSent(0, 0)
        year_end.clock.set(beijing(2027, 1, 5, 9, 5))  # 30, 31 December and 4 January
        assert await send_due_reminders(
            other.uow, other.follow_up_policy, other.office_hours, DEMANDS
        ) == RemindersSent(1, 0)
    finally:
        await other.aclose()

    # The same file again changes nothing; a corrected one replaces it. Both loads are in the year's chain.
    again = await load_holiday_schedule(LoadHolidaySchedule(SCHEDULE_2027, org.admin_id), org.uow)
    assert again.digest == loaded.digest and not again.replaced
    corrected = {**SCHEDULE_2027, "holidays": ["2027-01-01", "2027-01-02"]}
    assert (await load_holiday_schedule(LoadHolidaySchedule(corrected, org.admin_id), org.uow)).replaced
    async with container.sessionmaker() as session:
        entries = (
            await session.execute(
                select(AuditEntry.action, AuditEntry.actor, AuditEntry.data)
                .where(AuditEntry.aggregate_type == "holiday_schedule", AuditEntry.aggregate_id == "2027")
                .order_by(AuditEntry.seq)
            )
        ).all()
    assert [(action, actor) for action, actor, _ in entries] == [
        ("loaded", f"account:{org.admin_id}"),
        ("replaced", f"account:{org.admin_id}"),
    ]
    recorded = json.loads(entries[0][2])
    assert recorded["digest"] == loaded.digest and recorded["source"]["url"] == "https://example.invalid/test-only"


async def test_the_cli_and_the_rest_route_load_a_year(year_end: Docking, org: Org, tmp_path: Path) -> None:  # noqa: F811
    container = year_end.bench.container
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(SCHEDULE_2027, ensure_ascii=False), encoding="utf-8")

    def invoke(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(calendar_cli, list(args), obj=container.settings)
        return result.exit_code, result.output

    code, out = await asyncio.to_thread(invoke, "status")
    assert code == 0 and out.count("\n") == 3  # last, this and next year by the service's clock
    code, out = await asyncio.to_thread(invoke, "load", str(path))
    assert code == 0, out
    assert "2027: loaded 1 holiday(s) and 0 make-up workday(s)" in out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**SCHEDULE_2027, "source": {"title": "2027"}}), encoding="utf-8")
    code, out = await asyncio.to_thread(invoke, "load", str(bad))
    assert code != 0 and "invalid_holiday_schedule" in out and "文号" in out
    async with container.sessionmaker() as session:
        actor = await session.scalar(select(AuditEntry.actor).where(AuditEntry.aggregate_type == "holiday_schedule"))
    assert actor == "cli"

    # Over REST the system admin replaces it; the instance that answered counts with it at once.
    world = World(org)
    async with TestClient(TestServer(create_web_app(container))) as api:
        corrected = {**SCHEDULE_2027, "holidays": ["2027-01-01", "2027-01-04"]}
        staff = await api.post(
            "/api/v1/calendar/holiday-schedules",
            json=corrected,
            headers=bearer(await world.token(year_end.bench.staff_id)),
        )
        assert staff.status == 403
        answer = await api.post(
            "/api/v1/calendar/holiday-schedules", json=corrected, headers=bearer(await world.token(org.admin_id))
        )
        assert answer.status == 201, await answer.text()
        body = await answer.json()
        assert body["replaced"] is True
        assert problems(response_schema("POST", "/calendar/holiday-schedules", "201"), body) == []
    assert not container.calendar.is_working_day(date(2027, 1, 4))
