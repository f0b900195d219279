"""The calendar, office hours and reminder periods come from KEZHUAN_ settings, built once at start-up."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from prometheus_client import REGISTRY
from pydantic import ValidationError

from bot.bootstrap import follow_up_policy, office_hours
from bot.settings import Settings


def test_defaults_are_nine_to_six_beijing_time_three_then_two_working_days() -> None:
    settings = Settings()
    hours = office_hours(settings)
    monday_morning = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)  # 08:30 in Beijing
    assert hours.next_office_time(monday_morning) == datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    policy = follow_up_policy(settings)
    assert (policy.remind_after_working_days, policy.escalate_after_working_days) == (3, 2)


def test_environment_configures_hours_overrides_and_periods(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    overrides = tmp_path / "holidays-2027.json"
    overrides.write_text('{"holidays": ["2027-01-01"], "workdays": []}', encoding="utf-8")
    monkeypatch.setenv("KEZHUAN_CALENDAR__OFFICE_OPENS", "08:30")
    monkeypatch.setenv("KEZHUAN_CALENDAR__OFFICE_CLOSES", "17:30")
    monkeypatch.setenv("KEZHUAN_CALENDAR__OVERRIDES_PATH", str(overrides))
    monkeypatch.setenv("KEZHUAN_CALENDAR__WORKDAYS", '["2027-02-07"]')
    monkeypatch.setenv("KEZHUAN_FOLLOW_UP__REMIND_AFTER_WORKING_DAYS", "5")
    monkeypatch.setenv("KEZHUAN_FOLLOW_UP__ESCALATE_AFTER_WORKING_DAYS", "3")
    settings = Settings()
    hours = office_hours(settings)
    assert hours.next_office_time(datetime(2026, 11, 23, 0, 30, tzinfo=UTC)) == datetime(
        2026, 11, 23, 0, 30, tzinfo=UTC
    )
    assert not hours.calendar.is_working_day(date(2027, 1, 1))
    assert hours.calendar.is_working_day(date(2027, 2, 7))
    assert follow_up_policy(settings).remind_after_working_days == 5

    before = REGISTRY.get_sample_value("kezhuan_calendar_uncovered_year_total", {"year": "2027"}) or 0.0
    hours.calendar.is_working_day(date(2027, 3, 1))
    hours.calendar.is_working_day(date(2027, 3, 2))
    assert REGISTRY.get_sample_value("kezhuan_calendar_uncovered_year_total", {"year": "2027"}) == before + 1


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("KEZHUAN_CALENDAR__OFFICE_OPENS", "19:00"),
        ("KEZHUAN_FOLLOW_UP__REMIND_AFTER_WORKING_DAYS", "0"),
    ],
)
def test_nonsense_is_refused_at_start_up(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings()
