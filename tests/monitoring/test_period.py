"""A period of local days covers exactly the instants whose Asia/Shanghai date lies within it (property-based)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.errors import InvalidInput
from handlers.monitoring.period import MAX_DAYS, Period, parse_day
from tests.monitoring.conftest import ZONE

days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
# Hypothesis takes naive bounds and attaches the zone itself.
instants = st.datetimes(
    min_value=datetime(2019, 12, 1),  # noqa: DTZ001
    max_value=datetime(2036, 2, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@given(days, st.integers(min_value=0, max_value=400), instants)
def test_the_window_holds_exactly_the_local_days_of_the_period(start: date, length: int, at: datetime) -> None:
    period = Period(start, start + timedelta(days=length)).checked()
    w = period.window(ZONE)
    local_day = at.astimezone(ZONE).date()
    assert (w.start <= at < w.after) == (period.start <= local_day <= period.end)
    assert w.last_day == period.end


def test_periods_are_checked_in_chinese() -> None:
    with pytest.raises(InvalidInput, match="结束日期不能早于开始日期"):
        Period(date(2026, 2, 1), date(2026, 1, 31)).checked()
    with pytest.raises(InvalidInput, match="统计区间最长"):
        Period(date(2020, 1, 1), date(2020, 1, 1) + timedelta(days=MAX_DAYS)).checked()
    assert Period(date(2020, 1, 1), date(2020, 1, 1) + timedelta(days=MAX_DAYS - 1)).checked()
    for value in ("2026-1-1", "2026/01/01", "20260101", "2026-02-30"):
        with pytest.raises(InvalidInput, match="开始日期格式应为"):
            parse_day(value, "from")
    assert parse_day("2026-02-28", "to") == date(2026, 2, 28)
