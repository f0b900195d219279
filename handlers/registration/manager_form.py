"""The technology-manager registration form (技术经理人登记, seed 001 §一(三) and §二), declared once: what the page
shows, what the server checks and what the JSON schema says. With an institution's invitation code the manager
is bound to it and the institution reviews first; without one the manager registers individually and must upload
the ID-card and title-certificate scans."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from handlers.errors import InvalidInput
from handlers.files.policy import PURPOSES
from handlers.forms.declaration import Column, Context, Field, FileRule, Form, Rule, Sheet, When
from handlers.registration.manager_id_number import parse_id_number

SCAN_PURPOSE = "manager_scan"
_SCANS = PURPOSES[SCAN_PURPOSE]
SCAN_RULE = FileRule(SCAN_PURPOSE, tuple(f".{k}" for k in _SCANS.kinds), _SCANS.max_bytes)

MAX_SEGMENTS = 3
MIN_EXPERIENCE_DAYS = 365
MAX_AWARDS = 5
PROJECT_MAX = 1000
PROMOTION_MAX = 1000

TITLE_LEVELS = (("senior", "正高级"), ("associate_senior", "副高级"), ("intermediate", "中级"), ("junior", "初级"))
QUALIFYING_TITLES = frozenset({"senior", "associate_senior", "intermediate"})
GENDERS = (("male", "男"), ("female", "女"))
POLITICAL = (("cpc", "中共党员"), ("cyl", "共青团员"), ("democratic", "民主党派"), ("masses", "群众"))
EDUCATION = (
    ("doctor", "博士研究生"),
    ("master", "硕士研究生"),
    ("bachelor", "大学本科"),
    ("college", "大学专科"),
    ("other", "其他"),
)
LANDING = (("domestic", "国内"), ("abroad", "国外"))
PROVINCE_NAMES = (
    "北京市",
    "天津市",
    "河北省",
    "山西省",
    "内蒙古自治区",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "上海市",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "广西壮族自治区",
    "海南省",
    "重庆市",
    "四川省",
    "贵州省",
    "云南省",
    "西藏自治区",
    "陕西省",
    "甘肃省",
    "青海省",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
    "台湾省",
    "香港特别行政区",
    "澳门特别行政区",
)
PROVINCES = tuple((p, p) for p in PROVINCE_NAMES)
# What the institution may complete or correct while it reviews: training and certificate details (seed 000
# 一.5 完善经理人培训及证书信息, 一.7(1) 审核时可对技术经理人的证书信息进行修改).
CERTIFICATE_FIELDS = (
    "training",
    "certificate_name",
    "certificate_number",
    "certificate_issuer",
    "certificate_issued_on",
)
# Never editable after the first submission (seed 000 二.4(3)).
FIXED_FIELDS = ("id_number", "invitation_code")

_INDIVIDUAL = When("invitation_code", ("", None))


def _id_number(value: str, context: Context) -> str:
    return parse_id_number(value, context.today)


def _title_level(value: str, context: Context) -> str:
    if value not in QUALIFYING_TITLES:
        raise InvalidInput("技术经理人须具有中级及以上职称", code="title_too_low", field="title_level")
    return value


def _experience_days(values: Mapping[str, Any]) -> int:
    return sum(
        max(0, (s["ended_on"] - s["started_on"]).days)
        for s in values.get("work_history") or ()
        if s.get("started_on") and s.get("ended_on")
    )


def _segments_ordered(values: Mapping[str, Any], context: Context) -> bool:
    return all(
        s["started_on"] <= s["ended_on"] <= context.today
        for s in values.get("work_history") or ()
        if s.get("started_on") and s.get("ended_on")
    )


SEGMENT = (
    Field("started_on", "date", "开始时间", required=True),
    Field("ended_on", "date", "结束时间", required=True),
    Field("employer", "text", "工作单位", required=True, max_length=128),
    Field("duty", "text", "从事的技术转移工作", required=True, max_length=200),
)
PROJECT = (
    Field("name", "text", "项目名称", required=True, max_length=100),
    Field(
        "content",
        "textarea",
        "项目内容",
        help="突出本人角色和作用，1000字以内",
        required=True,
        max_length=PROJECT_MAX,
    ),
    Field("amount_fen", "money", "项目金额", required=True, minimum=0, unit="元", scale=100, nullable=True),
    Field("role", "text", "本人角色", required=True, max_length=100),
    Field("source", "text", "技术转移转化成果来源", required=True, max_length=200),
    Field("landing", "choice", "成果主要落地区", required=True, choices=LANDING),
    Field(
        "landing_province",
        "choice",
        "落地省份",
        required=True,
        choices=PROVINCES,
        when=When("landing", ("domestic",)),
    ),
    Field("landing_country", "text", "落地国家", required=True, max_length=64, when=When("landing", ("abroad",))),
)

SHEET_NAME = "技术经理人信息"

MANAGER = Form(
    "technology_manager",
    "技术经理人登记",
    ("POST", "/api/v1/technology-manager/registration"),
    (
        Field(
            "invitation_code",
            "text",
            "机构邀请码",
            help="所在机构分配的邀请码；不填则以个人身份登记，直接提交市级审核。提交后不能修改",
            max_length=16,
            section="基本信息",
        ),
        Field("name", "text", "姓名", required=True, max_length=64, section="基本信息"),
        Field("gender", "choice", "性别", required=True, choices=GENDERS, section="基本信息"),
        Field("political_status", "choice", "政治面貌", required=True, choices=POLITICAL, section="基本信息"),
        Field("work_started_on", "date", "参加工作时间", required=True, section="基本信息"),
        Field("mobile", "mobile", "联系电话", help="手机号", required=True, section="基本信息"),
        Field(
            "id_number",
            "text",
            "身份证号",
            help="提交后不能修改",
            required=True,
            max_length=18,
            rule=_id_number,
            section="基本信息",
        ),
        Field(
            "id_card_file_id",
            "file",
            "身份证扫描件",
            help="个人身份登记须上传身份证原件扫描件",
            required=True,
            file=SCAN_RULE,
            nullable=True,
            upload=("POST", "/api/v1/technology-manager/scans"),
            when=_INDIVIDUAL,
            section="基本信息",
        ),
        Field("education", "choice", "最高学历", required=True, choices=EDUCATION, section="学历信息"),
        Field("school", "text", "毕业院校", required=True, max_length=128, section="学历信息"),
        Field("major", "text", "所学专业", required=True, max_length=64, section="学历信息"),
        Field("title_name", "text", "职称名称", required=True, max_length=64, section="职称信息"),
        Field(
            "title_level",
            "choice",
            "职称级别",
            help="须中级及以上",
            required=True,
            choices=TITLE_LEVELS,
            rule=_title_level,
            section="职称信息",
        ),
        Field(
            "title_certificate_file_id",
            "file",
            "职称证书扫描件",
            help="个人身份登记须上传职称证书原件扫描件",
            required=True,
            file=SCAN_RULE,
            nullable=True,
            upload=("POST", "/api/v1/technology-manager/scans"),
            when=_INDIVIDUAL,
            section="职称信息",
        ),
        Field("certificate_name", "text", "技术经理人证书名称", max_length=100, section="培训及证书"),
        Field("certificate_number", "text", "证书编号", max_length=64, section="培训及证书"),
        Field("certificate_issuer", "text", "发证机构", max_length=100, section="培训及证书"),
        Field("certificate_issued_on", "date", "发证日期", section="培训及证书"),
        Field(
            "training",
            "textarea",
            "培训情况",
            help="没有可填「无」",
            required=True,
            max_length=500,
            section="培训及证书",
        ),
        Field(
            "work_history",
            "group",
            "技术转移工作经历",
            help="仅列与技术转移相关的经历，最多3段，累计须满一年",
            required=True,
            min_items=1,
            max_items=MAX_SEGMENTS,
            fields=SEGMENT,
            section="工作经历",
        ),
        Field(
            "grassroots_willing",
            "boolean",
            "是否愿意到园区等基层开展活动",
            help="须征求经理人本人意见",
            section="工作经历",
        ),
        Field(
            "projects",
            "group",
            "典型服务项目",
            help="近5年促成的典型项目，至少1个",
            required=True,
            min_items=1,
            fields=PROJECT,
            section="工作情况",
        ),
        Field(
            "promotion",
            "textarea",
            "技术服务和成果推广或主流媒体宣传情况",
            help="近5年，1000字以内；没有可填「无」",
            required=True,
            max_length=PROMOTION_MAX,
            section="工作情况",
        ),
        Field(
            "awards",
            "texts",
            "近5年奖励情况",
            help="最多5条；没有可不填",
            max_items=MAX_AWARDS,
            section="工作情况",
        ),
    ),
    rules=(
        Rule(
            "work_history_order",
            "技术转移工作经历的开始时间应早于结束时间，且不晚于今天",
            ("work_history",),
            _segments_ordered,
        ),
        Rule(
            "work_history_too_short",
            "技术转移工作经历累计须满一年",
            ("work_history",),
            # Told only once the segments are in order (a reversed one says so itself).
            lambda values, context: (
                not _segments_ordered(values, context) or _experience_days(values) >= MIN_EXPERIENCE_DAYS
            ),
        ),
    ),
    draft=True,
    field_in_error=True,
)


# The batch import's columns (seed 001 §一(三): 逐行新增，也可以批量导入): the same fields, headed as the page labels
# them; the work history and the projects as slots of columns, one per item.
_COLUMNS: dict[str, Column] = {
    "name": Column("姓名", 10, "必填，不超过{max_length}个字"),
    "gender": Column("性别", 8, "必填，填写：男、女"),
    "political_status": Column("政治面貌", 12, "必填，填写：中共党员、共青团员、民主党派、群众"),
    "work_started_on": Column("参加工作时间", 14, "必填，日期，如 2010-07-01"),
    "mobile": Column("联系电话", 16, "必填，11位手机号"),
    "id_number": Column("身份证号", 22, "必填，18位居民身份证号码；同一身份证号即同一位经理人，表内不可重复"),
    "education": Column("最高学历", 12, "必填，填写：博士研究生、硕士研究生、大学本科、大学专科、其他"),
    "school": Column("毕业院校", 20, "必填，不超过{max_length}个字"),
    "major": Column("所学专业", 16, "必填，不超过{max_length}个字"),
    "title_name": Column("职称名称", 14, "必填，不超过{max_length}个字"),
    "title_level": Column("职称级别", 10, "必填，须中级及以上：正高级、副高级、中级"),
    "certificate_name": Column("技术经理人证书名称", 20, "选填，不超过{max_length}个字"),
    "certificate_number": Column("证书编号", 16, "选填，不超过{max_length}个字"),
    "certificate_issuer": Column("发证机构", 20, "选填，不超过{max_length}个字"),
    "certificate_issued_on": Column("发证日期", 14, "选填，日期，如 2024-03-01"),
    "training": Column("培训情况", 30, "必填，不超过{max_length}个字；没有可填「无」"),
    "work_history": Column("工作经历", 0, "仅列与技术转移相关的经历，最多3段，累计须满一年", repeat=MAX_SEGMENTS),
    "grassroots_willing": Column("是否愿意到园区等基层开展活动", 14, "选填，填写：是、否（须征求经理人本人意见）"),
    "projects": Column("典型项目", 0, "近5年促成的典型项目，至少1个", repeat=3),
    "promotion": Column(
        "技术服务和成果推广或主流媒体宣传情况", 40, "必填，近5年，不超过{max_length}个字；没有可填「无」"
    ),
    "awards": Column("近5年奖励情况", 30, "选填，最多{max_items}条，一条一行（Alt+Enter）或用分号分隔"),
}
_ITEM_COLUMNS: dict[str, dict[str, Column]] = {
    "work_history": {
        "started_on": Column("开始时间", 14, "日期，如 2020-01-01；不晚于今天"),
        "ended_on": Column("结束时间", 14, "日期，晚于开始时间，不晚于今天"),
        "employer": Column("工作单位", 20, "不超过{max_length}个字"),
        "duty": Column("从事的技术转移工作", 24, "不超过{max_length}个字"),
    },
    "projects": {
        "name": Column("名称", 20, "不超过{max_length}个字"),
        "content": Column("内容", 40, "突出本人角色和作用，不超过{max_length}个字"),
        "amount_fen": Column("金额（元）", 14, "数字，单位元，不小于0"),
        "role": Column("本人角色", 14, "不超过{max_length}个字"),
        "source": Column("成果来源", 20, "技术转移转化成果来源，不超过{max_length}个字"),
        "landing": Column("落地区", 10, "填写：国内、国外"),
        "landing_province": Column("落地省份", 14, "落地区为国内时必填，如：河北省"),
        "landing_country": Column("落地国家", 14, "落地区为国外时必填，如：德国"),
    },
}


def _with_column(f: Field) -> Field:
    if f.name not in _COLUMNS:
        return f
    items = _ITEM_COLUMNS.get(f.name)
    fields = tuple(dataclasses.replace(g, column=items[g.name]) for g in f.fields or ()) if items else f.fields
    return dataclasses.replace(f, column=_COLUMNS[f.name], fields=fields)


MANAGER = dataclasses.replace(MANAGER, fields=tuple(_with_column(f) for f in MANAGER.fields), sheet=Sheet(SHEET_NAME))
# What an institution enters for its own managers (a row of the import): bound to it by who enters it, so no
# invitation code and no scans (those are an individual registration's) — every other field and rule the same.
ENTERED_BY_PERSON = ("invitation_code", "id_card_file_id", "title_certificate_file_id")
MANAGER_ENTRY = dataclasses.replace(
    MANAGER, name="technology_manager_entry", fields=tuple(f for f in MANAGER.fields if f.name not in ENTERED_BY_PERSON)
)
