"""Indicator values and weighted scores over a monitor's rows (pure).

An indicator's value is its formula over a row's base measures, divided by the row's staff and times 100 when it
is per 100 staff (zero without staff). Its score is its weight times the value over the best value in the listing
(得分 = 指标值 ÷ 最高值 × 权重, zero when no row has any), so the best unit gets the full weight; a row's total is
the sum of its scores. A listing scored against itself: narrowing the scope can change the scores, not the values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from handlers.indicators.formula import parse
from handlers.indicators.measures import BASE_MEASURES, STAFF
from handlers.indicators.views import IndicatorView

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Scored:
    values: dict[str, Decimal]  # indicator key → value
    scores: dict[str, Decimal]  # indicator key → weighted score
    total: Decimal


def score(rows: Sequence[Mapping[str, Decimal | int]], indicators: Sequence[IndicatorView]) -> list[Scored]:
    formulas = {i.key: parse(i.formula, BASE_MEASURES) for i in indicators}
    values = [{i.key: _value(i, formulas[i.key].value(row), row) for i in indicators} for row in rows]
    best = {i.key: max((v[i.key] for v in values), default=Decimal(0)) for i in indicators}
    scored = []
    for row_values in values:
        scores = {
            i.key: (Decimal(i.weight) * row_values[i.key] / best[i.key]).quantize(CENT, ROUND_HALF_UP)
            if best[i.key] > 0
            else Decimal(0).quantize(CENT)
            for i in indicators
        }
        scored.append(Scored(row_values, scores, sum(scores.values(), Decimal(0)).quantize(CENT)))
    return scored


def _value(indicator: IndicatorView, value: Decimal, row: Mapping[str, Decimal | int]) -> Decimal:
    if indicator.per_100_staff:
        staff = Decimal(row.get(STAFF, 0))
        value = value * 100 / staff if staff else Decimal(0)
    return value.quantize(CENT, ROUND_HALF_UP)
