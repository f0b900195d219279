"""What an edit changed, field by field: old → new for the timeline (people read it) and the raw values for the
audit chain (evidence)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from handlers.demands.fields import DemandFields
from handlers.reference.regions import Regions
from handlers.reference.tech_fields import TechFields
from store.models.demands import Demand
from store.models.files import StoredFile
from store.uow import UnitOfWork

LABELS = {
    "title": "需求名称",
    "tech_fields": "技术领域",
    "description": "需求描述",
    "region_code": "所在地区",
    "expected_result": "预期效果",
    "fee_ratio_bp": "中介服务费比例",
    "budget_fen": "预算",
    "deadline": "截止日期",
    "attachment_ids": "附件",
}
SHOWN = 30  # characters of a long value the timeline shows; the audit entry keeps it whole
NOTHING = "无"


@dataclass(frozen=True)
class Change:
    field: str
    old: Any  # JSON values: lists for tuples, ISO dates
    new: Any


def changes(demand: Demand, fields: DemandFields) -> list[Change]:
    found = []
    for name in LABELS:
        old, new = _raw(getattr(demand, name)), _raw(getattr(fields, name))
        if old != new:
            found.append(Change(name, old, new))
    return found


def audit_data(found: list[Change]) -> dict[str, Any]:
    return {"changes": {c.field: {"from": c.old, "to": c.new} for c in found}}


async def note(uow: UnitOfWork, found: list[Change]) -> str:
    """「需求名称：旧 → 新；预算：50,000.00元 → 80,000.00元」."""
    files: dict[int, str] = {}
    if ids := {int(i) for c in found if c.field == "attachment_ids" for i in [*c.old, *c.new]}:
        rows = await uow.session.execute(select(StoredFile.id, StoredFile.original_name).where(StoredFile.id.in_(ids)))
        files = {row.id: row.original_name for row in rows}  # Result.tuples() is deprecated in SQLAlchemy 2.1
    return "；".join(
        f"{LABELS[c.field]}：{_shown(c.field, c.old, files)} → {_shown(c.field, c.new, files)}" for c in found
    )


def _raw(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_raw(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _shown(field: str, value: Any, files: dict[int, str]) -> str:
    if value is None or value == [] or value == "":
        return NOTHING
    if field == "tech_fields":
        taxonomy = TechFields.load()
        text = "、".join(taxonomy.name_of(c) if taxonomy.exists(c) else c for c in value)
    elif field == "region_code":
        regions = Regions.load()
        text = regions.full_name(value) if regions.exists(value) else value
    elif field == "fee_ratio_bp":
        text = f"{value / 100:g}%"
    elif field == "budget_fen":
        text = f"{value / 100:,.2f}元"
    elif field == "attachment_ids":
        text = "、".join(files.get(int(i), f"附件{i}") for i in value)
    else:
        text = " ".join(str(value).split())
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"
