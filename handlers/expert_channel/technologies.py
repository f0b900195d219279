"""技术发布: what a technology is made of, its closed lists, how it reads, and loading one of the expert's own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from handlers.errors import NotFound
from handlers.expert_channel.form import COOPERATION_MODES, MATURITIES, TECHNOLOGY
from handlers.forms.check import validate
from handlers.forms.declaration import Context
from store.models.expert_pages import ExpertTechnology
from store.uow import UnitOfWork

# The limits and closed lists are the form's (handlers.expert_channel.form); these names stay for their callers.
TITLE_MAX = TECHNOLOGY.field("title").max_length or 0
SUMMARY_MAX = TECHNOLOGY.field("summary").max_length or 0
FIELDS_MAX = TECHNOLOGY.field("field_codes").max_items or 0
__all__ = ["COOPERATION_MODES", "FIELDS_MAX", "MATURITIES", "SUMMARY_MAX", "TITLE_MAX"]


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


def clean(fields: TechnologyFields, today: date) -> TechnologyFields:
    values = {name: getattr(fields, name) for name in TechnologyFields.__dataclass_fields__}
    return TechnologyFields(**validate(TECHNOLOGY, values, Context(today)))


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
