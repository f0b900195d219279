"""An indicator's formula: arithmetic over the base measures only, every refusal naming the field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from handlers.errors import InvalidInput
from handlers.indicators.formula import parse
from handlers.indicators.measures import BASE_MEASURES
from handlers.indicators.score import score
from tests.indicators.support import indicator


def test_a_formula_is_arithmetic_over_the_named_measures() -> None:
    formula = parse(" (deals * 5 + demands_docked) / 2 - -1 ", BASE_MEASURES)
    assert formula.measures == {"deals", "demands_docked"}
    assert formula.value({"deals": 3, "demands_docked": 4}) == Decimal("10.5")
    assert formula.value({}) == Decimal(1)  # a measure a row lacks counts as zero
    assert parse("points / staff", BASE_MEASURES).value({"points": 7, "staff": 0}) == 0  # no staff, no ratio


@pytest.mark.parametrize(
    ("text", "code", "says"),
    [
        ("", "invalid_formula", "请填写计算公式"),
        ("deals +", "invalid_formula", "写法有误"),
        ("revenue * 2", "unknown_measure", "“revenue”不存在"),
        ("deals ** 2", "invalid_formula", "加减乘除"),
        ("deals if points else 1", "invalid_formula", "加减乘除"),
        ("deals < points", "invalid_formula", "加减乘除"),
        ("deals.real", "invalid_formula", "加减乘除"),
        ("'deals'", "invalid_formula", "数字和指标名称"),
        ("True + deals", "invalid_formula", "数字和指标名称"),
        ("max(deals, points)", "invalid_formula", "加减乘除"),
        ("[deals]", "invalid_formula", "加减乘除"),
        ("deals; points", "invalid_formula", "写法有误"),
        ("deals" + " + deals" * 30, "invalid_formula", "不能超过200个字符"),
    ],
)
def test_anything_else_is_refused_with_the_field_named(text: str, code: str, says: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse(text, BASE_MEASURES)
    assert (refused.value.code, refused.value.field) == (code, "formula")
    assert says in refused.value.message


def test_the_best_row_gets_the_full_weight_and_per_100_staff_divides_by_staff() -> None:
    deals = indicator("results", "deals", weight=30)
    dense = indicator("density", "deals", weight=10, per_100_staff=True)
    rows = [{"deals": 6, "staff": 3}, {"deals": 3, "staff": 1}, {"deals": 0, "staff": 0}]
    first, second, third = score(rows, [deals, dense])
    assert first.values == {"results": Decimal("6.00"), "density": Decimal("200.00")}
    assert second.values == {"results": Decimal("3.00"), "density": Decimal("300.00")}
    assert first.scores == {"results": Decimal("30.00"), "density": Decimal("6.67")}
    assert second.scores == {"results": Decimal("15.00"), "density": Decimal("10.00")}
    assert third.total == 0 and third.values["density"] == 0
    assert first.total == Decimal("36.67") and second.total == Decimal("25.00")


def test_nobody_scores_on_an_indicator_nobody_has() -> None:
    (only,) = score([{"deals": 0}], [indicator("results", "deals", weight=30)])
    assert only.scores == {"results": Decimal("0.00")} and only.total == 0


def test_a_formula_reads_with_the_measures_chinese_names() -> None:
    from handlers.indicators.formula import readable

    assert (
        readable("(deals*5 + demands_docked) / staff", BASE_MEASURES) == "(成交项目数 × 5 + 对接需求数) ÷ 技转人员数量"
    )
    assert readable("reviews_decided - reviews_overdue", BASE_MEASURES) == "已审核数 − 超期未审数"
