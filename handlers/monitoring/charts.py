"""A monitor as a ranking chart (cards.charts): one bar per unit for one figure, or for the indicators' total."""

from __future__ import annotations

from decimal import Decimal

from cards.charts import Bars, ranking
from handlers.errors import InvalidInput
from handlers.monitoring.facts import LABELS, SUMMED, Measure
from handlers.monitoring.show_monitor import Monitor

TOTAL = "score"  # the indicators' total (综合得分), when the monitor has indicators
UNITS = {Measure.POINTS: "分", Measure.REVIEW_HOURS: "小时"}


def monitor_chart(monitor: Monitor, measure: str) -> Bars:
    period = f"{monitor.start.month}月{monitor.start.day}日–{monitor.end.month}月{monitor.end.day}日"
    if measure == TOTAL:
        if not monitor.indicators:
            raise InvalidInput("该监测没有评分指标", code="invalid_measure")
        rows = [(r.name, Decimal(r.scores["total"])) for r in monitor.rows]
        return ranking(f"{monitor.title} · 综合得分（{period}）", "分", rows)
    if measure not in {c.key for c in monitor.columns}:
        raise InvalidInput("该监测没有这项指标", code="invalid_measure")
    m = Measure(measure)
    unit = UNITS.get(m, "分" if m in SUMMED else "个")
    rows_: list[tuple[str, Decimal | int]] = [(r.name, r.figures[measure]) for r in monitor.rows]
    return ranking(f"{monitor.title} · {LABELS[m]}（{period}）", unit, rows_)
