"""The demand form, declared once (handlers.forms): staff's new demand (draft or to review), the owner's edit,
and an enterprise contact's demand for the pool. Labels, limits and codes here are what the pages show, what
the server checks (`fields.clean`) and what the JSON schema says."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from handlers.files.policy import PURPOSES
from handlers.forms.declaration import INT32_MAX, Context, Field, FileRule, Form, Rule
from handlers.organisation.validation import BASIS_POINTS_MAX

ATTACHMENT_PURPOSE = "demand_attachment"
_ATTACHMENTS = PURPOSES[ATTACHMENT_PURPOSE]


def _deadline_not_past(values: Mapping[str, Any], context: Context) -> bool:
    return values["deadline"] is None or values["deadline"] >= context.today


FIELDS: tuple[Field, ...] = (
    Field("title", "text", "需求名称", required=True, max_length=100, section="基本信息"),
    Field(
        "tech_fields",
        "tech_fields",
        "技术领域",
        required=True,
        max_items=3,
        choices_source="/api/v1/tech-fields",
        section="基本信息",
        messages={
            "required_choice": ("missing_field", "请选择技术领域"),
            "max_items": ("too_many_tech_fields", "技术领域最多选择{max_items}个"),
            "choice": ("invalid_tech_field", "技术领域代码无效：{value}"),
        },
    ),
    Field("description", "textarea", "需求描述", required=True, max_length=2000, section="基本信息"),
    Field(
        "region_code",
        "region",
        "所在地区",
        required=True,
        choices_source="/api/v1/regions",
        section="基本信息",
        messages={"required_choice": ("invalid_region", "请选择正确的行政区划")},
    ),
    Field("expected_result", "textarea", "预期效果", required=True, max_length=2000, section="基本信息"),
    Field(
        "fee_ratio_bp",
        "percent",
        "中介服务费比例",
        help="不低于平台下限和本机构的最低比例",
        required=True,
        minimum=0,
        maximum=BASIS_POINTS_MAX,
        unit="%",
        scale=100,
        limit=INT32_MAX,
        section="费用",
        messages={
            "minimum": ("invalid_fee_ratio", "最低中介服务费比例应在0%到100%之间"),
            "maximum": ("invalid_fee_ratio", "最低中介服务费比例应在0%到100%之间"),
        },
    ),
    Field(
        "budget_fen",
        "money",
        "预算金额",
        minimum=0,
        unit="元",
        scale=100,
        nullable=True,
        section="费用",
        messages={"minimum": ("invalid_budget", "预算金额不能为负数")},
    ),
    Field("deadline", "date", "截止日期", section="费用"),
    Field(
        "attachment_ids",
        "files",
        "附件",
        max_items=10,
        file=FileRule(ATTACHMENT_PURPOSE, tuple(f".{k}" for k in _ATTACHMENTS.kinds), _ATTACHMENTS.max_bytes),
        upload=("POST", "/api/v1/demand-attachments"),
        section="附件",
        messages={"max_items": ("too_many_attachments", "附件最多{max_items}个")},
    ),
)

RULES: tuple[Rule, ...] = (
    Rule("invalid_deadline", "截止日期不能早于今天", ("deadline",), _deadline_not_past),
    # Against stored data, checked by the use case (the institution's own minimum may be higher).
    Rule("fee_ratio_below_floor", "中介服务费比例不能低于平台下限", ("fee_ratio_bp",)),
    Rule("fee_ratio_below_institution", "中介服务费比例不能低于本机构的最低比例", ("fee_ratio_bp",)),
)

ENTERPRISE = Field(
    "enterprise_id", "integer", "企业", required=True, choices_source="/api/v1/enterprises", section="基本信息"
)

DEMAND = Form("demand", "新增需求", ("POST", "/api/v1/demands"), (ENTERPRISE, *FIELDS), RULES, draft=True)
DEMAND_EDIT = Form("demand_edit", "修改需求", ("PUT", "/api/v1/demands/{demand_id}"), FIELDS, RULES)
POOL_DEMAND = Form(
    "pool_demand",
    "发布需求",
    ("POST", "/api/v1/demand-pool"),
    (dataclasses.replace(ENTERPRISE, required=False, nullable=True), *FIELDS),
    RULES,
)
