"""Monitoring charts as data (pure): what a chart shows, built from a monitor's figures; `bot.charts` draws them.

Map-free on purpose (issue #18): a ranking is horizontal bars, a trend a line over weeks. Labels are names, never
codes; the longest ones are shortened so that a phone-sized picture stays legible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

MAX_BARS = 15
MAX_LABEL = 12  # characters of a bar's name before it is shortened with …


@dataclass(frozen=True)
class Bars:
    """A ranking: one bar per unit, highest first."""

    title: str
    unit: str  # what the values count, shown on the axis (个, 分 …)
    bars: tuple[tuple[str, Decimal], ...]
    left_out: int = 0  # units beyond MAX_BARS, said in the subtitle


@dataclass(frozen=True)
class Trend:
    """A line over consecutive periods (weeks), oldest first."""

    title: str
    unit: str
    periods: tuple[str, ...]
    values: tuple[Decimal, ...]


Chart = Bars | Trend


def ranking(title: str, unit: str, rows: Sequence[tuple[str, Decimal | int]]) -> Bars:
    """The top MAX_BARS rows by value (ties by name), the rest counted; zeros are kept: a unit with nothing done is
    part of the picture."""
    ordered = sorted(((name, Decimal(value)) for name, value in rows), key=lambda r: (-r[1], r[0]))
    shown = tuple((_short(name), value) for name, value in ordered[:MAX_BARS])
    return Bars(title, unit, shown, max(0, len(ordered) - MAX_BARS))


def trend(title: str, unit: str, weeks: Sequence[tuple[str, Decimal | int]]) -> Trend:
    return Trend(title, unit, tuple(label for label, _ in weeks), tuple(Decimal(v) for _, v in weeks))


def _short(name: str) -> str:
    return name if len(name) <= MAX_LABEL else name[: MAX_LABEL - 1] + "…"
