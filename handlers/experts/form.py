"""The expert form, declared once (handlers.forms): an institution admin adds an expert, and the Excel import
(handlers.experts.expert_import) is the same form in bulk — its template columns, notes and cell rules and each
row's checks come from here."""

from __future__ import annotations

import dataclasses

from handlers.follow_ups.form import FOLLOW_UP
from handlers.forms.declaration import Column, Field, Form, Sheet
from handlers.organisation.validation import INTRODUCTION_MAX

SHEET_NAME = "专家信息"
FIELDS_SHEET_NAME = "技术领域"  # the taxonomy, for the 研究领域 column
_MANY = "多项用换行（Alt+Enter）或分号分隔"


def _works(name: str, label: str, column_note: str) -> Field:
    return Field(
        name,
        "group",
        label,
        fields=(
            Field("title", "text", f"{label}名称", required=True, max_length=200),
            Field("summary", "textarea", f"{label}简介", max_length=2000),
        ),
        column=Column(label, 30, column_note, list_item_max=200),
    )


EXPERT = Form(
    "expert",
    "添加专家",
    ("POST", "/api/v1/institutions/{institution_id}/experts"),
    (
        Field(
            "name",
            "text",
            "专家姓名",
            required=True,
            max_length=64,
            column=Column("姓名", 12, "必填，不超过{max_length}个字"),
        ),
        Field(
            "mobile",
            "mobile",
            "手机号",
            required=True,
            messages={"required": ("invalid_mobile", "请输入正确的手机号码")},
            column=Column("手机号", 16, "必填，11位中国大陆手机号码；同一手机号即同一位专家，表内不可重复"),
        ),
        Field(
            "employer",
            "text",
            "工作单位",
            max_length=128,
            column=Column("工作单位", 28, "选填，不超过{max_length}个字"),
        ),
        Field(
            "title",
            "text",
            "职称",
            max_length=64,
            column=Column("职称", 12, "选填，如：教授、研究员、高级工程师，不超过{max_length}个字"),
        ),
        Field(
            "introduction",
            "textarea",
            "简介",
            max_length=INTRODUCTION_MAX,
            messages={"max_length": ("introduction_too_long", "简介不能超过{max_length}个字")},
            column=Column("个人简介", 40, "选填，不超过{max_length}个字"),
        ),
        _works("research_results", "科研成果", f"选填，每项填写成果名称（不超过{{item_max}}个字），{_MANY}"),
        _works("technical_solutions", "技术方案", f"选填，每项填写方案名称（不超过{{item_max}}个字），{_MANY}"),
        Field(
            "research_fields",
            "tech_fields",
            "研究领域",
            help="专家推送按研究领域推荐专家",
            max_items=10,
            choices_source="/api/v1/tech-fields",
            messages={
                "max_items": ("too_many_research_fields", "研究领域最多选择{max_items}个"),
                "choice": ("invalid_tech_field", "研究领域代码无效：{value:.16}"),
            },
            column=Column(
                "研究领域",
                30,
                f"选填，填写「{FIELDS_SHEET_NAME}」工作表中的领域名称或代码，最多{{max_items}}个，{_MANY}；"
                "专家推送按研究领域推荐专家",
            ),
        ),
        Field(
            "region_code",
            "region",
            "所在地区",
            nullable=True,
            choices_source="/api/v1/regions",
            column=Column("所在地区", 24, "选填，行政区划代码或完整名称，如：330106 或 浙江省杭州市西湖区"),
        ),
    ),
    sheet=Sheet(SHEET_NAME),
)


# A staff member's follow-up with an expert, on that institution's link: a demand's follow-up without attachments
# (same kinds, time and content rules; the time not after now is the use case's, against the clock).
EXPERT_FOLLOW_UP = dataclasses.replace(
    FOLLOW_UP,
    name="expert_follow_up",
    title="添加专家跟进记录",
    submit=("POST", "/api/v1/expert-links/{link_id}/follow-ups"),
    fields=tuple(f for f in FOLLOW_UP.fields if f.name != "attachment_ids"),
)
