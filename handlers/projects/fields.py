"""A project registration's own fields and their rules (seed 004 §四.5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from handlers.errors import InvalidInput
from handlers.organisation import validation as v
from handlers.projects.choices import CATEGORIES, COOPERATION_MODES, ENTITY_TYPES, choice

NAME_MAX = 100
PERSON_MAX = 32
UNIT_MAX = 100
MEMBERS_MAX = 50
# A contract above 100 billion yuan is a typo (an amount in fen typed as yuan), not a deal.
AMOUNT_MAX_FEN = 100_000_000_000 * 100
EARLIEST = date(2000, 1, 1)


@dataclass(frozen=True)
class ProjectFields:
    name: str
    category: str
    amount_fen: int
    signed_on: date
    leader: str
    members: tuple[str, ...]
    undertaking_unit: str
    entity_type: str
    cooperation_mode: str
    contract_file_id: int


def clean(fields: ProjectFields, today: date) -> ProjectFields:
    """Checked field by field in form order; `today` is the local date in the business timezone."""
    name = v.required_text(fields.name, "项目名称", NAME_MAX)
    category = choice(fields.category, CATEGORIES, "项目类别", "invalid_category")
    amount = money(fields.amount_fen, "项目金额", positive=True)
    if fields.signed_on > today:
        raise InvalidInput("合同签订日期不能晚于今天", code="invalid_date")
    if fields.signed_on < EARLIEST:
        raise InvalidInput("合同签订日期有误", code="invalid_date")
    leader = v.required_text(fields.leader, "项目负责人", PERSON_MAX)
    members = tuple(dict.fromkeys(m.strip() for m in fields.members if m.strip()))
    if len(members) > MEMBERS_MAX:
        raise InvalidInput(f"项目组成员最多{MEMBERS_MAX}人", code="too_many_members")
    if long := [m for m in members if len(m) > PERSON_MAX]:
        raise InvalidInput(f"项目组成员姓名不能超过{PERSON_MAX}个字：{long[0][:PERSON_MAX]}…", code="field_too_long")
    return ProjectFields(
        name=name,
        category=category,
        amount_fen=amount,
        signed_on=fields.signed_on,
        leader=leader,
        members=members,
        undertaking_unit=v.required_text(fields.undertaking_unit, "承担单位", UNIT_MAX),
        entity_type=choice(fields.entity_type, ENTITY_TYPES, "主体类型", "invalid_entity_type"),
        cooperation_mode=choice(fields.cooperation_mode, COOPERATION_MODES, "合作方式", "invalid_cooperation_mode"),
        contract_file_id=fields.contract_file_id,
    )


def money(value: int, label: str, *, positive: bool) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or (positive and value == 0):
        raise InvalidInput(f"{label}应为{'大于0' if positive else '不小于0'}的金额（单位：分）", code="invalid_amount")
    if value > AMOUNT_MAX_FEN:
        raise InvalidInput(f"{label}过大，请核对（单位：分）", code="invalid_amount")
    return value
