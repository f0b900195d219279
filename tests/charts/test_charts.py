"""Monitoring charts: the pure chart data, and the drawing with a CJK font (no box for any Chinese character)."""

from __future__ import annotations

import os
import struct
from decimal import Decimal

import pytest

from bot.charts import ChartFontMissing, cjk_family, png, svg
from cards.charts import MAX_BARS, ranking, trend


def font_or_skip() -> str:
    try:
        return cjk_family()
    except ChartFontMissing:
        message = "no CJK font: `apt-get install -y fonts-wqy-zenhei` draws the charts"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (mandatory with CI=true)")
        pytest.skip(message)


def test_a_ranking_keeps_the_top_bars_highest_first_zeros_included_and_counts_the_rest() -> None:
    rows = [(f"钱塘分中心{n:02d}", n % 7) for n in range(20)] + [("浙江大学技术转移中心杭州钱塘分中心", 9)]
    chart = ranking("各中心对接需求数", "个", rows)
    assert chart.bars[0] == ("浙江大学技术转移中心杭…", Decimal(9))  # shortened, still first
    assert [v for _, v in chart.bars] == sorted((v for _, v in chart.bars), reverse=True)
    assert len(chart.bars) == MAX_BARS and chart.left_out == 21 - MAX_BARS
    assert ranking("t", "个", [("甲", 0)]).bars == (("甲", Decimal(0)),)


def test_a_chart_is_drawn_as_a_phone_sized_png_with_its_chinese_text() -> None:
    font_or_skip()
    # filterwarnings=error: a Chinese character missing from the font ("Glyph … missing") fails the test.
    one = png(ranking("各机构累计积分", "分", [("浙江大学", 12), ("西湖大学", 5), ("之江实验室", 0)]))
    assert one[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", one[16:24])
    assert width == 900 and 300 < height < 900
    other = png(ranking("各机构累计积分", "分", [("浙江大学", 12), ("西湖大学", 11), ("之江实验室", 0)]))
    assert other != one  # the figures are in the picture
    weekly = png(trend("每周对接需求数", "个", [("11月23日", 3), ("11月30日", 5), ("12月7日", Decimal("2.5"))]))
    assert weekly[:4] == b"\x89PNG"


def test_svg_for_the_pages_carries_no_date() -> None:
    font_or_skip()
    chart = ranking("各机构累计积分", "分", [("浙江大学", 12)])
    drawn = svg(chart)
    assert drawn.startswith(b"<?xml") and b"<svg" in drawn
    assert svg(chart) == drawn  # same chart, same bytes: cacheable


def test_a_missing_font_refuses_with_503_rather_than_boxes() -> None:
    with pytest.raises(ChartFontMissing) as refused:
        cjk_family("/nonexistent/font.ttf")
    assert refused.value.status == 503 and "中文字体" in refused.value.message
