"""How a demand reads for an expert: what the hall lists and what the detail page shows.

No enterprise contact details, docked or not: the expert reaches the enterprise through the docking staff
member (联系技术经纪人), as the seed's flow has it; the enterprise's name and region are shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from handlers.demands.states import LABELS
from store.models.demands import Demand


@dataclass(frozen=True)
class HallRow:
    demand_id: int
    number: str
    title: str
    enterprise_name: str
    tech_fields: tuple[str, ...]
    region_code: str
    budget_fen: int | None
    deadline: date | None
    status: str
    status_label: str
    docked: bool  # by this expert, now
    updated_at: datetime


@dataclass(frozen=True)
class ExpertDemandDetail:
    demand_id: int
    number: str
    title: str
    enterprise_name: str
    tech_fields: tuple[str, ...]
    description: str
    expected_result: str
    region_code: str
    budget_fen: int | None
    deadline: date | None
    status: str
    status_label: str
    docking: str | None  # this expert's docking: docked, cancelled, or None


def hall_row(d: Demand, enterprise_name: str, docked: bool) -> HallRow:
    return HallRow(
        d.id,
        d.number,
        d.title,
        enterprise_name,
        tuple(d.tech_fields),
        d.region_code,
        d.budget_fen,
        d.deadline,
        d.status,
        LABELS[d.status],
        docked,
        d.updated_at,
    )


def expert_detail(d: Demand, enterprise_name: str, docking: str | None) -> ExpertDemandDetail:
    return ExpertDemandDetail(
        d.id,
        d.number,
        d.title,
        enterprise_name,
        tuple(d.tech_fields),
        d.description,
        d.expected_result,
        d.region_code,
        d.budget_fen,
        d.deadline,
        d.status,
        LABELS[d.status],
        docking,
    )
