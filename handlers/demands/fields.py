"""A demand's own fields and their rules, shared by submission and editing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from handlers.errors import InvalidInput, NotFound
from handlers.organisation import validation as v
from handlers.reference.regions import Regions
from handlers.reference.tech_fields import TechFields
from store.models.demands import Demand
from store.models.files import StoredFile
from store.models.organisation import Institution
from store.uow import UnitOfWork

TITLE_MAX = 100
TEXT_MAX = 2000
TECH_FIELDS_MAX = 3
ATTACHMENTS_MAX = 10
ATTACHMENT_PURPOSE = "demand_attachment"


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


def clean(fields: DemandFields, today: date) -> DemandFields:
    codes = tuple(dict.fromkeys(c.strip() for c in fields.tech_fields))
    if not codes:
        raise InvalidInput("请选择技术领域", code="missing_field")
    if len(codes) > TECH_FIELDS_MAX:
        raise InvalidInput(f"技术领域最多选择{TECH_FIELDS_MAX}个", code="too_many_tech_fields")
    taxonomy = TechFields.load()
    if unknown := [code for code in codes if taxonomy.find(code) is None]:
        raise InvalidInput(f"技术领域代码无效：{unknown[0]}", code="invalid_tech_field")
    if fields.budget_fen is not None and (isinstance(fields.budget_fen, bool) or fields.budget_fen < 0):
        raise InvalidInput("预算金额不能为负数", code="invalid_budget")
    if fields.deadline is not None and fields.deadline < today:
        raise InvalidInput("截止日期不能早于今天", code="invalid_deadline")
    if len(fields.attachment_ids) > ATTACHMENTS_MAX:
        raise InvalidInput(f"附件最多{ATTACHMENTS_MAX}个", code="too_many_attachments")
    return DemandFields(
        title=v.required_text(fields.title, "需求名称", TITLE_MAX),
        tech_fields=codes,
        description=v.required_text(fields.description, "需求描述", TEXT_MAX),
        region_code=v.region_code(fields.region_code, Regions.load()),
        expected_result=v.required_text(fields.expected_result, "预期效果", TEXT_MAX),
        fee_ratio_bp=v.fee_ratio_bp(fields.fee_ratio_bp),
        budget_fen=fields.budget_fen,
        deadline=fields.deadline,
        attachment_ids=tuple(dict.fromkeys(fields.attachment_ids)),
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
