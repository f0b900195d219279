"""An indicator version as a report names it, for the pure tests."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.indicators.views import IndicatorView


def indicator(key: str, formula: str, *, weight: int, per_100_staff: bool = False) -> IndicatorView:
    return IndicatorView(
        "platform", "", key, 1, key, formula, per_100_staff, weight, datetime(2026, 1, 1, tzinfo=UTC), False, formula
    )
