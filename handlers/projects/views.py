"""What the pages show of a project registration, and who sees registrations at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from handlers.errors import Forbidden
from handlers.files.links import FileLink
from handlers.organisation.actors import Actor
from handlers.projects.choices import CATEGORIES, COOPERATION_MODES, ENTITY_TYPES, FLAG_LABELS
from store.models.organisation import Role
from store.models.projects import ProjectRegistration

# Registrations carry the intermediary fee: the platform's people see them, the enterprise does not.
SEES = frozenset({Role.SYSTEM_ADMIN, Role.INSTITUTION_ADMIN, Role.CENTRE_ADMIN, Role.STAFF, Role.OFFICIAL})


def require_projects(actor: Actor) -> None:
    if not any(g.role in SEES for g in actor.grants):
        raise Forbidden("您没有权限查看项目登记信息")


@dataclass(frozen=True)
class ProjectView:
    id: int
    demand_id: int
    demand_number: str
    demand_title: str
    name: str
    category: str
    category_label: str
    amount_fen: int
    signed_on: date
    leader: str
    members: tuple[str, ...]
    undertaking_unit: str
    entity_type: str
    entity_type_label: str
    cooperation_mode: str
    cooperation_mode_label: str
    contract_file_id: int
    fee_ratio_bp: int
    expected_fee_fen: int
    registered_by: int
    credited_account_id: int
    registered_at: datetime
    fee_proof_file_id: int | None
    fee_paid_fen: int | None
    fee_paid_on: date | None
    fee_proof_at: datetime | None
    fee_flag: str | None
    fee_flag_label: str | None
    contract_file: FileLink | None  # name, type and download link; None only if the stored row is gone
    fee_proof_file: FileLink | None


def project_file_ids(p: ProjectRegistration) -> list[int]:
    return [p.contract_file_id] + ([p.fee_proof_file_id] if p.fee_proof_file_id is not None else [])


def view(p: ProjectRegistration, demand_number: str, demand_title: str, links: dict[int, FileLink]) -> ProjectView:
    return ProjectView(
        id=p.id,
        demand_id=p.demand_id,
        demand_number=demand_number,
        demand_title=demand_title,
        name=p.name,
        category=p.category,
        category_label=CATEGORIES.get(p.category, p.category),
        amount_fen=p.amount_fen,
        signed_on=p.signed_on,
        leader=p.leader,
        members=tuple(p.members),
        undertaking_unit=p.undertaking_unit,
        entity_type=p.entity_type,
        entity_type_label=ENTITY_TYPES.get(p.entity_type, p.entity_type),
        cooperation_mode=p.cooperation_mode,
        cooperation_mode_label=COOPERATION_MODES.get(p.cooperation_mode, p.cooperation_mode),
        contract_file_id=p.contract_file_id,
        fee_ratio_bp=p.fee_ratio_bp,
        expected_fee_fen=p.expected_fee_fen,
        registered_by=p.registered_by,
        credited_account_id=p.credited_account_id,
        registered_at=p.registered_at,
        fee_proof_file_id=p.fee_proof_file_id,
        fee_paid_fen=p.fee_paid_fen,
        fee_paid_on=p.fee_paid_on,
        fee_proof_at=p.fee_proof_at,
        fee_flag=p.fee_flag,
        fee_flag_label=FLAG_LABELS.get(p.fee_flag) if p.fee_flag is not None else None,
        contract_file=links.get(p.contract_file_id),
        fee_proof_file=links.get(p.fee_proof_file_id) if p.fee_proof_file_id is not None else None,
    )
