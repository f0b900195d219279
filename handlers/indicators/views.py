"""How an indicator version is shown: what a report names as the version it used."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from handlers.indicators.formula import readable
from handlers.indicators.measures import BASE_MEASURES
from store.models.indicators import Indicator


@dataclass(frozen=True)
class IndicatorView:
    owner: str
    owner_code: str
    key: str
    version: int
    name: str
    formula: str
    per_100_staff: bool
    weight: int
    effective_at: datetime
    retired: bool
    readable: str  # the formula with the measures' Chinese names


def view(row: Indicator) -> IndicatorView:
    return IndicatorView(
        row.owner_kind,
        row.owner_code,
        row.key,
        row.version,
        row.name,
        row.formula,
        row.per_100_staff,
        int(row.weight),
        row.effective_at,
        row.retired,
        readable(row.formula, BASE_MEASURES),
    )
