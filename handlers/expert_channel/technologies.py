"""技术发布: what a technology is made of, its closed lists, how it reads, and loading one of the expert's own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from handlers.errors import InvalidInput, NotFound
from handlers.organisation import validation as v
from handlers.reference.tech_fields import TechFields
from store.models.expert_pages import ExpertTechnology
from store.uow import UnitOfWork

TITLE_MAX = 100
SUMMARY_MAX = 2000
FIELDS_MAX = 5
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


@dataclass(frozen=True)
class TechnologyFields:
    title: str
    field_codes: tuple[str, ...]
    summary: str
    maturity: str
    cooperation_mode: str


@dataclass(frozen=True)
class TechnologyView:
    technology_id: int
    title: str
    field_codes: tuple[str, ...]
    summary: str
    maturity: str
    maturity_label: str
    cooperation_mode: str
    cooperation_mode_label: str
    status: str
    updated_at: datetime


def clean(fields: TechnologyFields) -> TechnologyFields:
    codes = tuple(dict.fromkeys(c.strip() for c in fields.field_codes))
    if not codes:
        raise InvalidInput("请选择技术领域", code="missing_field")
    if len(codes) > FIELDS_MAX:
        raise InvalidInput(f"技术领域最多选择{FIELDS_MAX}个", code="too_many_tech_fields")
    taxonomy = TechFields.load()
    if unknown := [code for code in codes if taxonomy.find(code) is None]:
        raise InvalidInput(f"技术领域代码无效：{unknown[0]}", code="invalid_tech_field")
    if fields.maturity not in MATURITIES:
        raise InvalidInput("请选择技术成熟度", code="invalid_maturity")
    if fields.cooperation_mode not in COOPERATION_MODES:
        raise InvalidInput("请选择合作方式", code="invalid_cooperation_mode")
    return TechnologyFields(
        v.required_text(fields.title, "技术名称", TITLE_MAX),
        codes,
        v.required_text(fields.summary, "技术简介", SUMMARY_MAX),
        fields.maturity,
        fields.cooperation_mode,
    )


def view(t: ExpertTechnology) -> TechnologyView:
    return TechnologyView(
        t.id,
        t.title,
        tuple(t.field_codes),
        t.summary,
        t.maturity,
        MATURITIES[t.maturity],
        t.cooperation_mode,
        COOPERATION_MODES[t.cooperation_mode],
        t.status,
        t.updated_at,
    )


async def own_locked(uow: UnitOfWork, expert_id: int, technology_id: int) -> ExpertTechnology:
    """The expert's own technology under its row lock; another expert's answers like a missing one."""
    found = await uow.session.scalar(
        select(ExpertTechnology)
        .where(ExpertTechnology.id == technology_id, ExpertTechnology.expert_id == expert_id)
        .with_for_update()
    )
    if found is None:
        raise NotFound("未找到该技术", code="technology_not_found")
    return found


def audit_data(fields: TechnologyFields) -> dict[str, object]:
    return {
        "title": fields.title,
        "field_codes": list(fields.field_codes),
        "maturity": fields.maturity,
        "cooperation_mode": fields.cooperation_mode,
    }
