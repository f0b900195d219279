"""The expert's own forms on their pages, declared once (handlers.forms): 信息维护 (profile) and 技术发布
(a technology, new or edited)."""

from __future__ import annotations

from handlers.forms.declaration import Field, Form
from handlers.organisation.validation import INTRODUCTION_MAX

# 技术成熟度: the stages a tech-transfer platform usually asks for (a guess at the closed list).
MATURITIES = {"lab": "实验室阶段", "pilot": "小试阶段", "intermediate": "中试阶段", "industrial": "产业化阶段"}
# 合作方式
COOPERATION_MODES = {
    "transfer": "技术转让",
    "licence": "技术许可",
    "joint_development": "合作开发",
    "equity": "作价入股",
    "service": "技术服务",
}
_MATURITY = ("invalid_maturity", "请选择技术成熟度")
_MODE = ("invalid_cooperation_mode", "请选择合作方式")

EXPERT_PROFILE = Form(
    "expert_profile",
    "信息维护",
    ("PUT", "/api/v1/expert/profile"),
    (
        Field("title", "text", "职称", help="如：教授、研究员、高级工程师", max_length=64),
        Field("employer", "text", "工作单位", required=True, max_length=128),
        Field(
            "introduction",
            "textarea",
            "简介",
            max_length=INTRODUCTION_MAX,
            messages={"max_length": ("introduction_too_long", "简介不能超过{max_length}个字")},
        ),
    ),
)

_TECHNOLOGY_FIELDS = (
    Field("title", "text", "技术名称", required=True, max_length=100),
    Field(
        "field_codes",
        "tech_fields",
        "技术领域",
        required=True,
        max_items=5,
        choices_source="/api/v1/tech-fields",
        messages={
            "required_choice": ("missing_field", "请选择技术领域"),
            "max_items": ("too_many_tech_fields", "技术领域最多选择{max_items}个"),
            "choice": ("invalid_tech_field", "技术领域代码无效：{value}"),
        },
    ),
    Field("summary", "textarea", "技术简介", required=True, max_length=2000),
    Field(
        "maturity",
        "choice",
        "技术成熟度",
        required=True,
        choices=tuple(MATURITIES.items()),
        messages={"choice": _MATURITY, "required_choice": _MATURITY},
    ),
    Field(
        "cooperation_mode",
        "choice",
        "合作方式",
        required=True,
        choices=tuple(COOPERATION_MODES.items()),
        messages={"choice": _MODE, "required_choice": _MODE},
    ),
)
TECHNOLOGY = Form("technology", "技术发布", ("POST", "/api/v1/expert/technologies"), _TECHNOLOGY_FIELDS)
TECHNOLOGY_EDIT = Form(
    "technology_edit", "修改技术", ("PUT", "/api/v1/expert/technologies/{technology_id}"), _TECHNOLOGY_FIELDS
)
