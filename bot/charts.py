"""Draws the chart data of `cards.charts` with matplotlib: PNG for DingTalk messages, SVG for the pages.

Chinese needs a CJK font, which matplotlib does not ship: the first family found among CJK_FAMILIES (Debian's
fonts-wqy-zenhei, Noto/Source Han) or the file named by `KEZHUAN_CHART_FONT`. Without one, drawing refuses
(ChartFontMissing → 503 with a message) rather than send boxes for every character. matplotlib is imported on first
use, so a process that never draws does not pay for it; the object API (a Figure per chart, no pyplot state) lets
charts be drawn in worker threads.
"""

from __future__ import annotations

import io
import logging
import threading
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from cards.charts import Bars, Chart, Trend
from handlers.errors import DomainError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CJK_FAMILIES = (
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Droid Sans Fallback",
)
BLUE = "#1989fa"  # Vant's primary blue, as on the pages
WIDTH_IN = 6.0
DPI = 150
_lock = threading.Lock()  # matplotlib's font cache and text layout are shared state
# The CJK fonts register as weight 500; matplotlib logs a warning for every text asking for "normal" and then uses
# 500, which is what we want.
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)


class ChartFontMissing(DomainError):
    status = 503
    code = "chart_font_missing"
    message = "服务器缺少中文字体，暂时无法生成图表，请联系管理员安装"
    retry_after = 3600


def png(chart: Chart, font: str | None = None) -> bytes:
    return _draw(chart, "png", font)


def svg(chart: Chart, font: str | None = None) -> bytes:
    return _draw(chart, "svg", font)


def _draw(chart: Chart, fmt: str, font: str | None) -> bytes:
    from matplotlib import rc_context

    family = cjk_family(font)
    with _lock:
        figure = _bars(chart, family) if isinstance(chart, Bars) else _trend(chart, family)
        out = io.BytesIO()
        # Text becomes outlines in SVG too (matplotlib's default), so a phone without the font shows it alike;
        # no creation date and fixed element ids, so one chart is one file.
        with rc_context({"svg.hashsalt": "kezhuan"}):
            figure.savefig(out, format=fmt, dpi=DPI, metadata={"Date": None} if fmt == "svg" else None)
    return out.getvalue()


@lru_cache(maxsize=4)
def cjk_family(path: str | None = None) -> str:
    from matplotlib import font_manager

    if path:
        if not Path(path).is_file():
            raise ChartFontMissing()
        font_manager.fontManager.addfont(path)
        return str(font_manager.FontProperties(fname=path).get_name())
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    raise ChartFontMissing()


def _figure(height_in: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(WIDTH_IN, height_in), layout="constrained")


def _bars(chart: Bars, family: str) -> Figure:
    figure = _figure(1.2 + 0.32 * max(1, len(chart.bars)))
    axes = figure.subplots()
    names = [name for name, _ in chart.bars][::-1]  # highest at the top
    values = [float(value) for _, value in chart.bars][::-1]
    drawn = axes.barh(names, values, color=BLUE)
    axes.bar_label(drawn, labels=[_number(v) for _, v in chart.bars][::-1], padding=3, family=family, fontsize=9)
    axes.set_title(chart.title, family=family, fontsize=12)
    axes.set_xlabel(chart.unit, family=family, fontsize=9)
    if chart.left_out:
        figure.supxlabel(f"另有 {chart.left_out} 个未列出", family=family, fontsize=8, color="#969799")
    for label in axes.get_yticklabels():
        label.set_fontfamily(family)
    axes.margins(x=0.15)
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def _trend(chart: Trend, family: str) -> Figure:
    figure = _figure(3.0)
    axes = figure.subplots()
    values = [float(v) for v in chart.values]
    axes.plot(list(chart.periods), values, color=BLUE, marker="o")
    for x, value in zip(chart.periods, chart.values, strict=True):
        axes.annotate(
            _number(value),
            (x, float(value)),
            textcoords="offset points",
            xytext=(0, 6),
            ha="center",
            family=family,
            fontsize=8,
        )
    axes.set_title(chart.title, family=family, fontsize=12)
    axes.set_ylabel(chart.unit, family=family, fontsize=9, rotation=0, labelpad=12)
    axes.set_ylim(bottom=0)
    for label in axes.get_xticklabels():
        label.set_fontfamily(family)
        label.set_fontsize(8)
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}" if value != value.to_integral() else str(int(value))
