"""The institution and centre forms, declared once (handlers.forms): the system admin creates a legal-person
institution with its admin; an institution admin creates a local transfer centre."""

from __future__ import annotations

import dataclasses
from enum import StrEnum

from handlers.forms.declaration import Context, Field, Form, Rule
from handlers.organisation import validation as v
from handlers.organisation.validation import BASIS_POINTS_MAX, INTRODUCTION_MAX


class InstitutionType(StrEnum):
    UNIVERSITY = "university"  # 高校
    RESEARCH_INSTITUTE = "research_institute"  # 科研院所
    TECH_TRANSFER_AGENCY = "tech_transfer_agency"  # 社会化技术转移机构
    NEW_RD_INSTITUTION = "new_rd_institution"  # 新型研发机构
    OTHER = "other"


class ServiceType(StrEnum):
    TECHNOLOGY_TRANSFER = "technology_transfer"  # 技术转移
    TECHNOLOGY_CONSULTING = "technology_consulting"  # 技术咨询
    TECHNOLOGY_EVALUATION = "technology_evaluation"  # 技术评价
    INTELLECTUAL_PROPERTY = "intellectual_property"  # 知识产权
    TECHNOLOGY_FINANCE = "technology_finance"  # 科技金融
    INCUBATION = "incubation"  # 孵化服务


TYPE_LABELS = {
    InstitutionType.UNIVERSITY: "高校",
    InstitutionType.RESEARCH_INSTITUTE: "科研院所",
    InstitutionType.TECH_TRANSFER_AGENCY: "社会化技术转移机构",
    InstitutionType.NEW_RD_INSTITUTION: "新型研发机构",
    InstitutionType.OTHER: "其他",
}
SERVICE_LABELS = {
    ServiceType.TECHNOLOGY_TRANSFER: "技术转移",
    ServiceType.TECHNOLOGY_CONSULTING: "技术咨询",
    ServiceType.TECHNOLOGY_EVALUATION: "技术评价",
    ServiceType.INTELLECTUAL_PROPERTY: "知识产权",
    ServiceType.TECHNOLOGY_FINANCE: "科技金融",
    ServiceType.INCUBATION: "孵化服务",
}
_BAD_TYPE = ("invalid_institution_type", "请选择正确的机构类型")
_BAD_SERVICE = ("invalid_service_type", "请选择正确的服务类型")
_BAD_REGION = ("invalid_region", "请选择正确的行政区划")
_BAD_RATIO = ("invalid_fee_ratio", "最低中介服务费比例应在0%到100%之间")


def _credit_code(value: str, _context: Context) -> str:
    return v.credit_code(value)


INSTITUTION = Form(
    "institution",
    "新增法人机构",
    ("POST", "/api/v1/institutions"),
    (
        Field("name", "text", "机构名称", required=True, max_length=128),
        Field(
            "credit_code",
            "text",
            "统一社会信用代码",
            required=True,
            rule=_credit_code,
            messages={"required": ("invalid_credit_code", "请输入正确的统一社会信用代码")},
        ),
        Field(
            "type",
            "choice",
            "机构类型",
            required=True,
            choices=tuple((t.value, label) for t, label in TYPE_LABELS.items()),
            messages={"choice": _BAD_TYPE, "required_choice": _BAD_TYPE},
        ),
        Field(
            "region_code",
            "region",
            "所在地区",
            required=True,
            choices_source="/api/v1/regions",
            messages={"required_choice": _BAD_REGION},
        ),
        Field("admin_name", "text", "管理员姓名", required=True, max_length=64, section="机构管理员"),
        Field(
            "admin_mobile",
            "mobile",
            "管理员手机号",
            help="不能是技转人员的手机号码",
            required=True,
            section="机构管理员",
            messages={"required": ("invalid_mobile", "请输入正确的手机号码")},
        ),
        Field(
            "service_types",
            "multi_choice",
            "服务类型",
            choices=tuple((t.value, label) for t, label in SERVICE_LABELS.items()),
            messages={"choice": _BAD_SERVICE},
        ),
        Field(
            "min_fee_ratio_bp",
            "percent",
            "最低中介服务费比例",
            help="不填即平台下限",
            minimum=0,
            maximum=BASIS_POINTS_MAX,
            unit="%",
            scale=100,
            nullable=True,
            limit=2**31 - 1,
            messages={"minimum": _BAD_RATIO, "maximum": _BAD_RATIO},
        ),
        Field(
            "introduction",
            "textarea",
            "简介",
            max_length=INTRODUCTION_MAX,
            messages={"max_length": ("introduction_too_long", "简介不能超过{max_length}个字")},
        ),
        Field("head", "text", "机构负责人", max_length=64, nullable=True),
    ),
    # The platform's floor is policy, checked by the use case.
    (Rule("min_fee_ratio_below_floor", "最低中介服务费比例不能低于平台下限", ("min_fee_ratio_bp",)),),
)
INSTITUTION_FIELDS = tuple(f.name for f in INSTITUTION.fields)

CENTRE = Form(
    "centre",
    "新增地方转移中心",
    ("POST", "/api/v1/institutions/{institution_id}/centres"),
    (
        Field("name", "text", "地方转移中心名称", required=True, max_length=128),
        Field(
            "region_code",
            "region",
            "所在地区",
            required=True,
            choices_source="/api/v1/regions",
            messages={"required_choice": _BAD_REGION},
        ),
    ),
)

# What the institution admin may change (seed 004 §四): the institution form's own fields, each sent one replaces
# what is kept (PATCH /institutions/{id}); the floor is the use case's.
INSTITUTION_EDIT = Form(
    "institution_edit",
    "机构信息",
    ("PATCH", "/api/v1/institutions/{institution_id}"),
    tuple(
        dataclasses.replace(INSTITUTION.field(name), required=False, help=None)
        for name in ("type", "service_types", "min_fee_ratio_bp", "introduction", "head")
    ),
    INSTITUTION.rules,
    partial=True,  # only what is sent changes
)

CENTRE_EDIT = Form("centre_edit", "编辑地方转移中心", ("PATCH", "/api/v1/centres/{centre_id}"), CENTRE.fields)
