"""The project registration (对接成功项目登记) and fee-proof forms, declared once (handlers.forms)."""

from __future__ import annotations

from datetime import date
from typing import Any

from handlers.errors import InvalidInput
from handlers.files.policy import PURPOSES
from handlers.forms.declaration import Context, Field, FileRule, Form, Rule
from handlers.projects.choices import CATEGORIES, COOPERATION_MODES, ENTITY_TYPES

PROJECT_FILE_PURPOSE = "project_file"
PERSON_MAX = 32
# A contract above 100 billion yuan is a typo (an amount in fen typed as yuan), not a deal.
AMOUNT_MAX_FEN = 100_000_000_000 * 100
EARLIEST = date(2000, 1, 1)
_FILES = PURPOSES[PROJECT_FILE_PURPOSE]
_FILE = FileRule(PROJECT_FILE_PURPOSE, tuple(f".{k}" for k in _FILES.kinds), _FILES.max_bytes)
_UPLOAD = ("POST", "/api/v1/project-files")


def _choice(name: str, label: str, options: dict[str, str], code: str) -> Field:
    wrong = (code, f"请选择正确的{label}：{'、'.join(options.values())}")
    return Field(
        name,
        "choice",
        label,
        required=True,
        choices=tuple(options.items()),
        messages={"choice": wrong, "required_choice": wrong},
    )


def _money(name: str, label: str, *, positive: bool) -> Field:
    low = ("invalid_amount", f"{label}应为{'大于0' if positive else '不小于0'}的金额（单位：分）")
    return Field(
        name,
        "money",
        label,
        required=True,
        minimum=1 if positive else 0,
        maximum=AMOUNT_MAX_FEN,
        unit="元",
        scale=100,
        messages={"minimum": low, "maximum": ("invalid_amount", f"{label}过大，请核对（单位：分）")},
    )


def _signed_on(value: date, context: Context) -> date:
    if value > context.today:
        raise InvalidInput("合同签订日期不能晚于今天", code="invalid_date")
    if value < EARLIEST:
        raise InvalidInput("合同签订日期有误", code="invalid_date")
    return value


def _member_names(names: tuple[str, ...], _context: Context) -> tuple[str, ...]:
    if long := [m for m in names if len(m) > PERSON_MAX]:
        raise InvalidInput(f"项目组成员姓名不能超过{PERSON_MAX}个字：{long[0][:PERSON_MAX]}…", code="field_too_long")
    return names


def _paid_on(value: date, context: Context) -> date:
    if value > context.today:
        raise InvalidInput("兑付日期不能晚于今天", code="invalid_date")
    return value


def _required_date(label: str) -> dict[str, Any]:
    return {"format": ("invalid_date", f"{label}格式有误（YYYY-MM-DD）")}


PROJECT = Form(
    "project",
    "对接成功项目登记",
    ("POST", "/api/v1/demands/{demand_id}/project"),
    (
        Field("name", "text", "项目名称", required=True, max_length=100),
        _choice("category", "项目类别", CATEGORIES, "invalid_category"),
        _money("amount_fen", "项目金额", positive=True),
        Field(
            "signed_on",
            "date",
            "合同签订日期",
            required=True,
            rule=_signed_on,
            messages={
                "format": ("invalid_date", "合同签订日期格式有误（YYYY-MM-DD）"),
                "required": ("invalid_date", "合同签订日期格式有误（YYYY-MM-DD）"),
            },
        ),
        Field("leader", "text", "项目负责人", required=True, max_length=PERSON_MAX),
        Field(
            "members",
            "texts",
            "项目组成员",
            help=f"每位成员填写姓名，不超过{PERSON_MAX}个字",
            max_items=50,
            rule=_member_names,
            messages={
                "shape": ("invalid_field", "字段 {name} 应为姓名列表"),
                "max_items": ("too_many_members", "项目组成员最多{max_items}人"),
            },
        ),
        Field("undertaking_unit", "text", "承担单位", required=True, max_length=100),
        _choice("entity_type", "主体类型", ENTITY_TYPES, "invalid_entity_type"),
        _choice("cooperation_mode", "合作方式", COOPERATION_MODES, "invalid_cooperation_mode"),
        Field("contract_file_id", "file", "合同文件", required=True, file=_FILE, upload=_UPLOAD),
    ),
)

FEE_PROOF = Form(
    "fee_proof",
    "中介费兑付凭证",
    ("POST", "/api/v1/demands/{demand_id}/project/fee-proof"),
    (
        Field("file_id", "file", "兑付凭证", required=True, file=_FILE, upload=_UPLOAD),
        _money("paid_fen", "兑付金额", positive=False),
        Field(
            "paid_on",
            "date",
            "兑付日期",
            required=True,
            rule=_paid_on,
            messages={
                "format": ("invalid_date", "兑付日期格式有误（YYYY-MM-DD）"),
                "required": ("invalid_date", "兑付日期格式有误（YYYY-MM-DD）"),
            },
        ),
        Field("correction", "textarea", "更正原因", help="更正已上传的凭证时填写", max_length=200),
    ),
    # Against the stored project, checked by the use case.
    (Rule("invalid_date", "兑付日期不能早于合同签订日期", ("paid_on",)),),
)
