"""How a demand reads on the pages: a list row, and the detail with its timeline. The detail carries names next
to the ids and codes (enterprise, institution, centre, staff member, technical fields, region), its attachments
with their download links, and for the demand's own side the enterprise's contacts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from handlers.demands.states import LABELS
from handlers.demands.step_labels import step_label
from handlers.files.links import FileLink
from store.models.demands import Demand, DemandEvent, DemandStatus


@dataclass(frozen=True)
class DemandRow:
    demand_id: int
    number: str  # XQ2026-000123: what people see and quote
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
    # The names a person reads (step_labels, states.LABELS), so the pages keep no table of their own.
    action_label: str
    from_status_label: str | None
    to_status_label: str


@dataclass(frozen=True)
class StatusLabel:
    value: str
    label: str


@dataclass(frozen=True)
class StatusLabels:
    items: tuple[StatusLabel, ...]


def status_labels() -> StatusLabels:
    """Every demand status with its Chinese name, in the state machine's order (the pages' tabs read these)."""
    return StatusLabels(tuple(StatusLabel(str(s), label) for s, label in LABELS.items()))


def _step(e: DemandEvent) -> TimelineStep:
    before = LABELS[DemandStatus(e.from_status)] if e.from_status else None
    return TimelineStep(
        e.action,
        e.from_status,
        e.to_status,
        e.actor_name,
        e.note,
        e.at,
        step_label(e.action),
        before,
        LABELS[DemandStatus(e.to_status)],
    )


@dataclass(frozen=True)
class TechFieldName:
    code: str
    name: str
    path: str  # 电子信息 › 软件 › 基础软件


@dataclass(frozen=True)
class ContactView:
    name: str
    position: str
    phone: str


@dataclass(frozen=True)
class DemandNames:
    """What the detail shows beside the ids and codes, looked up by the use case."""

    enterprise_name: str
    institution_name: str | None
    centre_name: str | None
    staff_name: str | None
    tech_fields: tuple[TechFieldName, ...]
    region_name: str
    contacts: tuple[ContactView, ...]  # empty unless the reader is on the demand's own side
    attachments: tuple[FileLink, ...]


@dataclass(frozen=True)
class DemandDetail:
    demand_id: int
    number: str
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
    enterprise_name: str
    institution_name: str | None
    centre_name: str | None
    staff_name: str | None
    tech_field_names: tuple[TechFieldName, ...]
    region_name: str
    enterprise_contacts: tuple[ContactView, ...]
    attachments: tuple[FileLink, ...]
    # The reader's own changes allowed now (handlers.demands.allowed_changes): edit, submit, withdraw, close.
    allowed_changes: tuple[str, ...] = ()
    # The docking work the reader may open now (handlers.demands.allowed_actions): follow_ups, push_experts,
    # register_project, publish, change_staff, project, fee_proof.
    allowed_actions: tuple[str, ...] = ()


def row(d: Demand) -> DemandRow:
    return DemandRow(
        d.id,
        d.number,
        d.title,
        d.enterprise_id,
        d.institution_id,
        d.status,
        LABELS[d.status],
        d.fee_ratio_bp,
        d.region_code,
        d.updated_at,
        None,
        0,
    )


def detail(
    d: Demand,
    events: list[DemandEvent],
    names: DemandNames,
    allowed_changes: tuple[str, ...] = (),
    allowed_actions: tuple[str, ...] = (),
) -> DemandDetail:
    return DemandDetail(
        d.id,
        d.number,
        d.title,
        d.origin,
        d.enterprise_id,
        d.institution_id,
        d.centre_id,
        d.staff_account_id,
        tuple(d.tech_fields),
        d.description,
        d.budget_fen,
        d.region_code,
        d.expected_result,
        d.deadline,
        d.fee_ratio_bp,
        tuple(int(i) for i in d.attachment_ids),
        d.status,
        LABELS[d.status],
        tuple(_step(e) for e in events),
        names.enterprise_name,
        names.institution_name,
        names.centre_name,
        names.staff_name,
        names.tech_fields,
        names.region_name,
        names.contacts,
        names.attachments,
        allowed_changes,
        allowed_actions,
    )
