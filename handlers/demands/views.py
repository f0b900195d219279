"""How a demand reads on the pages: a list row, and the detail with its timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from handlers.demands.states import LABELS
from store.models.demands import Demand, DemandEvent


@dataclass(frozen=True)
class DemandRow:
    demand_id: int
    title: str
    enterprise_id: int
    institution_id: int | None
    status: str
    status_label: str
    fee_ratio_bp: int
    region_code: str
    updated_at: datetime
    # Under review: the current stage's due date and working days overdue (none while paused or without limit).
    review_due_on: date | None
    review_overdue_days: int


@dataclass(frozen=True)
class TimelineStep:
    action: str
    from_status: str | None
    to_status: str
    actor_name: str
    note: str
    at: datetime


@dataclass(frozen=True)
class DemandDetail:
    demand_id: int
    title: str
    origin: str
    enterprise_id: int
    institution_id: int | None
    centre_id: int | None
    staff_account_id: int | None
    tech_fields: tuple[str, ...]
    description: str
    budget_fen: int | None
    region_code: str
    expected_result: str
    deadline: date | None
    fee_ratio_bp: int
    attachment_ids: tuple[int, ...]
    status: str
    status_label: str
    timeline: tuple[TimelineStep, ...]


def row(d: Demand) -> DemandRow:
    return DemandRow(d.id, d.title, d.enterprise_id, d.institution_id, d.status, LABELS[d.status], d.fee_ratio_bp,
                     d.region_code, d.updated_at, None, 0)


def detail(d: Demand, events: list[DemandEvent]) -> DemandDetail:
    return DemandDetail(
        d.id, d.title, d.origin, d.enterprise_id, d.institution_id, d.centre_id, d.staff_account_id,
        tuple(d.tech_fields), d.description, d.budget_fen, d.region_code, d.expected_result, d.deadline,
        d.fee_ratio_bp, tuple(int(i) for i in d.attachment_ids), d.status, LABELS[d.status],
        tuple(TimelineStep(e.action, e.from_status, e.to_status, e.actor_name, e.note, e.at) for e in events),
    )
