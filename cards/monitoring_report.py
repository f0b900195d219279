"""The weekly monitoring report (issue #18): an action-card work notice with the scope's totals, the top units, the
ranking chart and a button to the monitoring page. Pure: figures in, DingTalk message out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

TOP = 5
OPEN_MONITOR = "查看监测"


@dataclass(frozen=True)
class ReportRow:
    name: str
    figures: dict[str, int]


@dataclass(frozen=True)
class WeeklyReport:
    scope: str  # 杭州市 / 浙江大学技术转移中心
    title: str  # the monitor's title (区域总览, 技转机构监测)
    start: date
    end: date
    columns: tuple[tuple[str, str], ...]  # (measure, Chinese label), in the monitor's order
    rows: tuple[ReportRow, ...]  # the monitor's rows, ranked by `rank_by`, highest first
    rank_by: str  # the measure the top list and the chart are ranked by
    chart_url: str | None
    link: str  # the monitoring page for this period


def weekly_report(report: WeeklyReport) -> dict[str, Any]:
    period = f"{_day(report.start)}–{_day(report.end)}"
    title = f"每周绩效监测 · {report.scope}"
    labels = dict(report.columns)
    totals = {key: sum(row.figures.get(key, 0) for row in report.rows) for key, _ in report.columns}
    lines = [f"### {title}", f"{report.title}，{period}", "", "**合计**：" + _figures(report.columns, totals)]
    if report.rows:
        lines += ["", f"**{labels.get(report.rank_by, report.rank_by)}前{min(TOP, len(report.rows))}名**"]
        lines += [
            f"{n}. {row.name}：" + _figures(report.columns, row.figures)
            for n, row in enumerate(ranked(report.rows, report.rank_by)[:TOP], start=1)
        ]
    else:
        lines += ["", "本周范围内没有可统计的单位。"]
    if report.chart_url:
        lines += ["", f"![{labels.get(report.rank_by, '')}排名]({report.chart_url})"]
    return {
        "msgtype": "action_card",
        "action_card": {
            "title": title,
            "markdown": "\n".join(lines),
            "single_title": OPEN_MONITOR,
            "single_url": report.link,
        },
    }


def ranked(rows: Sequence[ReportRow], by: str) -> list[ReportRow]:
    """Highest first; a tie keeps the monitor's order (stable sort)."""
    return sorted(rows, key=lambda row: -row.figures.get(by, 0))


def _figures(columns: Sequence[tuple[str, str]], figures: dict[str, int]) -> str:
    return "，".join(f"{label} {figures.get(key, 0)}" for key, label in columns)


def _day(day: date) -> str:
    return f"{day.month}月{day.day}日"
