"""The first registration of a technology-transfer institution (技术转移机构首次登记, seed 001 §一 (一) and
(二)), declared once: what the page shows, what the server checks and what the JSON schema says.

The certified identity (name, credit code, legal entity) is not part of the form: it comes from the unit
certification and is locked. A draft (保存) is held only to what can be stored; 提交 checks every rule.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from handlers.errors import InvalidInput
from handlers.forms.declaration import Context, Field, Form, Rule, When

BASIC = "基本信息"
WORK = "机构技术转移工作情况"

INTERNAL = "internal"
NATURES = (("legal_person", "法人组织"), ("unincorporated", "非法人组织"), (INTERNAL, "内设机构"))
CATEGORIES = (
    ("university", "高校院所"),
    ("medical", "医疗卫生机构"),
    ("market", "市场化机构"),
)
INDUSTRIES = (
    ("information_technology", "新一代信息技术"),
    ("equipment", "高端装备制造"),
    ("materials", "新材料"),
    ("biomedicine", "生物医药"),
    ("new_energy", "新能源"),
    ("environment", "节能环保"),
    ("vehicles", "新能源汽车"),
    ("digital_creative", "数字创意"),
    ("agriculture", "现代农业"),
    ("services", "现代服务业"),
    ("other", "其他"),
)
MAX_INDUSTRIES = 3
MIN_CASES = 2
PERFORMANCE_MAX = 600

# A way to reach the contact person: a mobile or landline number, or an e-mail address.
_CONTACT = re.compile(r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|[\w.+-]+@[\w-]+\.[\w.-]+")


def _with_contact(value: str, context: Context) -> str:
    """Seed 001: the introduction is for publicity, with the contact person and how to reach them."""
    if not _CONTACT.search(value):
        raise InvalidInput("机构简介请附联系人和联系方式（手机、电话或邮箱）", code="introduction_contact_missing")
    return value


def _lists_rules(value: str, context: Context) -> str:
    """Seed 001: the basic situation must list the rules (规章制度) and the service norms (服务规范)."""
    if "制度" not in value or "规范" not in value:
        raise InvalidInput("基本情况中请列出从事技术转移服务的规章制度和服务规范", code="rules_not_listed")
    return value


def performance_length(values: Mapping[str, Any]) -> int:
    """业绩情况 as a whole: the record of achievements, the reputation and the typical cases."""
    cases = values.get("cases") or ()
    case_text = sum(len(c.get("title") or "") + len(c.get("content") or "") for c in cases)
    return len(values.get("performance") or "") + len(values.get("reputation") or "") + case_text


def _staff_within_total(values: Mapping[str, Any], context: Context) -> bool:
    return int(values.get("staff_transfer") or 0) <= int(values.get("staff_total") or 0)


def _full_time_within_transfer(values: Mapping[str, Any], context: Context) -> bool:
    return int(values.get("staff_full_time") or 0) <= int(values.get("staff_transfer") or 0)


def _performance_within_limit(values: Mapping[str, Any], context: Context) -> bool:
    return performance_length(values) <= PERFORMANCE_MAX


CASE = (
    Field("title", "text", "案例名称", required=True, max_length=50),
    Field("content", "textarea", "案例内容", help="体现技术转移业务业绩", required=True, max_length=500),
)

FIELDS = (
    Field(
        "nature",
        "choice",
        "机构性质",
        help="内设机构：从事技术转移的某个具体部门，请务必选择“内设机构”",
        required=True,
        choices=NATURES,
        section=BASIC,
    ),
    Field(
        "department",
        "text",
        "具体部门",
        help="内设机构的名称须完善至从事技术转移的具体部门；统一社会信用代码和营业执照为所在单位的",
        required=True,
        max_length=64,
        section=BASIC,
        when=When("nature", (INTERNAL,)),
        hidden_refused=True,
    ),
    Field(
        "category",
        "choice",
        "机构类别",
        help="市场化机构为没有高校、研究院所、医疗卫生机构背景的机构，如有，选其他两类",
        required=True,
        choices=CATEGORIES,
        section=BASIC,
    ),
    Field(
        "introduction",
        "textarea",
        "机构简介",
        help="300字以内，可用于对外宣传，请附联系人和联系方式",
        required=True,
        max_length=300,
        section=BASIC,
        rule=_with_contact,
    ),
    Field(
        "service_industries",
        "multi_choice",
        "服务产业领域",
        help="最多选3项，选择业务最紧密的3项",
        required=True,
        max_items=MAX_INDUSTRIES,
        choices=INDUSTRIES,
        section=BASIC,
    ),
    Field(
        "international_transfer",
        "textarea",
        "国际技术转移",
        help="如实填写，没有可填“无”",
        required=True,
        max_length=500,
        section=BASIC,
    ),
    Field(
        "head_name",
        "text",
        "机构负责人",
        help="内设机构为该部门的负责人",
        required=True,
        max_length=32,
        section=BASIC,
    ),
    Field("head_position", "text", "负责人职务", required=True, max_length=32, section=BASIC),
    Field("head_mobile", "mobile", "负责人手机号", required=True, section=BASIC),
    Field("contact_name", "text", "联络人", required=True, max_length=32, section=BASIC),
    Field("contact_mobile", "mobile", "联络人手机号", required=True, section=BASIC),
    Field("contact_email", "email", "联络人邮箱", max_length=100, section=BASIC),
    Field(
        "staff_total",
        "integer",
        "总人数",
        required=True,
        minimum=1,
        maximum=100000,
        unit="人",
        section=BASIC,
        nullable=True,
    ),
    Field(
        "staff_transfer",
        "integer",
        "技术转移人员数量",
        required=True,
        minimum=0,
        maximum=100000,
        unit="人",
        section=BASIC,
        nullable=True,
    ),
    Field(
        "staff_full_time",
        "integer",
        "专职人员数量",
        required=True,
        minimum=0,
        maximum=100000,
        unit="人",
        section=BASIC,
        nullable=True,
    ),
    Field(
        "basic_situation",
        "textarea",
        "基本情况",
        help="800字以内：定位及目标；经营条件；制度规范（一定要罗列出规章制度和服务规范）；服务模式",
        required=True,
        max_length=800,
        section=WORK,
        rule=_lists_rules,
    ),
    Field(
        "performance",
        "textarea",
        "技术转移业绩",
        help="业绩情况（含社会信誉情况和典型案例）合计600字以内",
        required=True,
        max_length=PERFORMANCE_MAX,
        section=WORK,
    ),
    Field(
        "cases",
        "group",
        "典型案例",
        help="至少2个，要体现技术转移业务业绩情况",
        required=True,
        min_items=MIN_CASES,
        max_items=5,
        fields=CASE,
        section=WORK,
    ),
    Field(
        "reputation",
        "textarea",
        "社会信誉情况",
        help="近两年媒体报道、树立典型、投诉和诉讼情况等；没有可填“无”",
        required=True,
        max_length=PERFORMANCE_MAX,
        section=WORK,
    ),
    Field(
        "plan",
        "textarea",
        "发展规划",
        help="600字以内：成果转化制度和体制机制建设、服务能力、专业化人才队伍建设等方面的规划",
        required=True,
        max_length=600,
        section=WORK,
    ),
)

RULES = (
    Rule(
        "staff_exceeds_total", "技术转移人员数量不能大于总人数", ("staff_transfer", "staff_total"), _staff_within_total
    ),
    Rule(
        "full_time_exceeds_transfer",
        "专职人员数量不能大于技术转移人员数量",
        ("staff_full_time", "staff_transfer"),
        _full_time_within_transfer,
    ),
    Rule(
        "performance_too_long",
        f"业绩情况（技术转移业绩、典型案例和社会信誉情况）合计不能超过{PERFORMANCE_MAX}字",
        ("performance", "cases", "reputation"),
        _performance_within_limit,
    ),
)

INSTITUTION_REGISTRATION = Form(
    "institution_registration",
    "技术转移机构登记",
    ("PUT", "/api/v1/institution-registration"),
    FIELDS,
    RULES,
    draft=True,
    field_in_error=True,
)

# 基础信息变更 (seed 000 一.6): the same form, sent to the change request's route.
INSTITUTION_CHANGE = replace(
    INSTITUTION_REGISTRATION,
    name="institution_change",
    title="技术转移机构基础信息变更",
    submit=("PUT", "/api/v1/institution-registration/change"),
)
