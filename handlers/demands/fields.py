"""A demand's own fields and their rules, shared by submission and editing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from handlers.demands.form import ATTACHMENT_PURPOSE, DEMAND_EDIT
from handlers.errors import InvalidInput, NotFound
from handlers.forms.check import validate
from handlers.forms.declaration import Context
from store.models.demands import Demand
from store.models.files import StoredFile
from store.models.organisation import Institution
from store.uow import UnitOfWork

# The limits are the form's (handlers.demands.form); these names stay for the callers that had them.
TITLE_MAX = DEMAND_EDIT.field("title").max_length or 0
TECH_FIELDS_MAX = DEMAND_EDIT.field("tech_fields").max_items or 0
ATTACHMENTS_MAX = DEMAND_EDIT.field("attachment_ids").max_items or 0
__all__ = ["ATTACHMENT_PURPOSE", "ATTACHMENTS_MAX", "TECH_FIELDS_MAX", "TITLE_MAX"]


@dataclass(frozen=True)
class DemandFields:
    title: str
    tech_fields: tuple[str, ...]
    description: str
    region_code: str
    expected_result: str
    fee_ratio_bp: int
    budget_fen: int | None = None
    deadline: date | None = None
    attachment_ids: tuple[int, ...] = field(default=())


def clean(fields: DemandFields, today: date, *, draft: bool = False) -> DemandFields:
    """The demand form's rules (handlers.demands.form); a draft is held only to what can be stored."""
    values = {name: getattr(fields, name) for name in DemandFields.__dataclass_fields__}
    return DemandFields(**validate(DEMAND_EDIT, values, Context(today), draft=draft))


def of(demand: Demand) -> DemandFields:
    """A stored demand's fields, to be checked again when a draft is sent to review."""
    return DemandFields(
        title=demand.title,
        tech_fields=tuple(demand.tech_fields),
        description=demand.description,
        region_code=demand.region_code,
        expected_result=demand.expected_result,
        fee_ratio_bp=demand.fee_ratio_bp,
        budget_fen=demand.budget_fen,
        deadline=demand.deadline,
        attachment_ids=tuple(int(i) for i in demand.attachment_ids),
    )


async def check_fee_ratio(uow: UnitOfWork, ratio_bp: int, institution_id: int | None, floor_bp: int) -> None:
    """Platform floor ≤ the institution's minimum ≤ the demand's ratio (seed 004 §一.1)."""
    if ratio_bp < floor_bp:
        raise InvalidInput(f"中介服务费比例不能低于平台下限{floor_bp / 100:g}%", code="fee_ratio_below_floor")
    if institution_id is None:
        return
    minimum = await uow.session.scalar(select(Institution.min_fee_ratio_bp).where(Institution.id == institution_id))
    if minimum is not None and ratio_bp < minimum:
        raise InvalidInput(
            f"中介服务费比例不能低于本机构的最低比例{minimum / 100:g}%", code="fee_ratio_below_institution"
        )


async def check_attachments(uow: UnitOfWork, ids: tuple[int, ...], uploader: str, kept: tuple[int, ...] = ()) -> None:
    """Attachments are files stored for this purpose (type checked by content) by the actor, or already on
    the demand; another person's upload is not found, so ids cannot be borrowed."""
    ids = tuple(i for i in ids if i not in kept)
    if not ids:
        return
    found = set(
        await uow.session.scalars(
            select(StoredFile.id).where(
                StoredFile.id.in_(ids), StoredFile.purpose == ATTACHMENT_PURPOSE, StoredFile.uploaded_by == uploader
            )
        )
    )
    if missing := [i for i in ids if i not in found]:
        raise NotFound(f"未找到附件 {missing[0]}", code="attachment_not_found")


def apply(demand: Demand, fields: DemandFields) -> None:
    demand.title = fields.title
    demand.tech_fields = list(fields.tech_fields)
    demand.description = fields.description
    demand.region_code = fields.region_code
    demand.expected_result = fields.expected_result
    demand.fee_ratio_bp = fields.fee_ratio_bp
    demand.budget_fen = fields.budget_fen
    demand.deadline = fields.deadline
    demand.attachment_ids = list(fields.attachment_ids)
