"""The indicator form, declared once (handlers.forms): what a province, a city or an institution fills in to add
or edit one of its monitoring dimensions."""

from __future__ import annotations

import re

from handlers.errors import InvalidInput
from handlers.forms.declaration import Context, Field, Form
from handlers.indicators.formula import parse
from handlers.indicators.measures import BASE_MEASURES
from store.models.indicators import IndicatorOwner

OWNER_LABELS = {
    IndicatorOwner.PLATFORM: "全平台",
    IndicatorOwner.REGION: "本地区",
    IndicatorOwner.INSTITUTION: "本机构",
}
KEY_PATTERN = "小写字母开头，只含小写字母、数字和下划线"


def _key(value: str, _context: Context) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", value):
        raise InvalidInput(f"指标代码应{KEY_PATTERN}", field="key", code="invalid_key")
    return value


def _formula(value: str, _context: Context) -> str:
    return parse(value, BASE_MEASURES).text


INDICATOR = Form(
    "indicator",
    "监测指标",
    ("POST", "/api/v1/indicators"),
    (
        Field(
            "owner",
            "choice",
            "适用范围",
            required=True,
            choices=tuple((o.value, label) for o, label in OWNER_LABELS.items()),
        ),
        Field(
            "key",
            "text",
            "指标代码",
            help=KEY_PATTERN + "；同一代码再次提交即为修改（生成新版本）",
            required=True,
            max_length=32,
            rule=_key,
        ),
        Field("name", "text", "指标名称", required=True, max_length=20),
        Field(
            "formula",
            "text",
            "计算公式",
            help="用基础指标和加减乘除、括号书写，例如 deals * 5 + demands_docked。基础指标："
            + "、".join(f"{name}（{label}）" for name, label in BASE_MEASURES.items()),
            required=True,
            max_length=200,
            rule=_formula,
        ),
        Field("per_100_staff", "boolean", "按每百名技转人员折算"),
        Field("weight", "integer", "权重", help="综合得分中所占分值，0–100", required=True, minimum=0, maximum=100),
    ),
    field_in_error=True,
)
