"""What the institution-registration use cases share: the applicant's certified identity, the record as the page
and the reviewer read it, who may read it, and the notice of the city bureau's decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from handlers.errors import Conflict, Forbidden
from handlers.organisation.actors import Actor
from handlers.registration.certification import certification_of
from handlers.registration.chains import INSTITUTION_SUBJECT
from handlers.registration.decision_notice import Decision, tell_decision
from handlers.registration.institution_difference import FieldChange, difference
from handlers.registration.institution_form import INSTITUTION_REGISTRATION, INTERNAL
from handlers.registration.policy import RegistrationPolicy
from handlers.reviews.deadlines import receipt_number
from store.models.demands import Review
from store.models.organisation import Role
from store.models.registration import InstitutionRegistration, InstitutionRegistrationStatus, UnitCertification
from store.transaction import Transaction

FIRST = "first"  # 首次登记
UPDATE = "update"  # 年度更新: a row of its own, prefilled from the last approved record; a new number on approval
# 基础信息变更: a row of its own naming the approved record it changes (`changes_id`), which takes its values
# only on approval and keeps its number.
CHANGE = "change"
KIND_LABELS = {FIRST: "首次登记", UPDATE: "年度更新", CHANGE: "基础信息变更"}
# The rows that are registrations (a change request is not one: it changes one).
RECORD_KINDS = (FIRST, UPDATE)
STATUS_LABELS = {
    InstitutionRegistrationStatus.DRAFT: "未提交",
    InstitutionRegistrationStatus.PENDING: "审核中",
    InstitutionRegistrationStatus.APPROVED: "审核通过",
    InstitutionRegistrationStatus.REJECTED: "审核不通过",
    InstitutionRegistrationStatus.RETURNED: "退回修改",
}
# The states in which the applicant may still edit (保存) and submit (提交).
_S = InstitutionRegistrationStatus
EDITABLE = frozenset({_S.DRAFT, _S.REJECTED, _S.RETURNED})


@dataclass(frozen=True)
class LockedIdentity:
    """Filled in from the unit certification and locked on the form (seed 000 一.4)."""

    name: str  # the certified unit's; an internal department's registered name adds its department
    credit_code: str
    legal_entity: str  # 法人单位名称: changing it means certifying again
    legal_representative: str
    licence_file_id: int


@dataclass(frozen=True)
class RegistrationView:
    id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    name: str  # the registered name (the department's for an internal department)
    credit_code: str
    region_code: str
    values: dict[str, Any]
    registration_number: str | None
    reason: str | None  # the city bureau's, on a rejection or a return (【查看】)
    editable: bool
    review_id: int | None
    receipt_number: str | None
    due_on: date | None
    submitted_at: datetime | None
    decided_at: datetime | None
    # A change request: the approved record it changes, that record's number, and every changed field (label,
    # old, new) against that record as approved (as it was before this change, once approved).
    changes_id: int | None = None
    changes_number: str | None = None
    difference: tuple[FieldChange, ...] = ()
    # The institution's technology managers as submitted (handlers.registration.institution_managers); None
    # before the first submission.
    managers: list[dict[str, Any]] | None = None


def stored(values: dict[str, Any]) -> dict[str, Any]:
    """JSON as stored: a group's items are objects, lists are lists."""
    return {
        k: [dict(i) if isinstance(i, dict) else i for i in v] if isinstance(v, tuple) else v for k, v in values.items()
    }


def identity_of(cert: UnitCertification) -> LockedIdentity | None:
    if cert.certified_at is None:
        return None
    return LockedIdentity(
        cert.certified_name or "",
        cert.certified_code or "",
        cert.certified_name or "",
        cert.certified_legal_representative or "",
        cert.licence_file_id,
    )


async def certified_identity(tx: Transaction, actor_id: int, refusal: str) -> tuple[UnitCertification, LockedIdentity]:
    """The account's certification and the identity it locks into the form; refused (403) until certified."""
    cert = await certification_of(tx, actor_id)
    identity = identity_of(cert) if cert is not None else None
    if cert is None or identity is None:
        raise Forbidden(refusal)
    return cert, identity


def registered_name(identity: LockedIdentity, values: dict[str, Any]) -> str:
    """Seed 001: an internal department's name is completed down to the department doing technology transfer."""
    department = str(values.get("department") or "")
    return f"{identity.name}{department}" if values.get("nature") == INTERNAL and department else identity.name


async def latest_review(tx: Transaction, registration_id: int) -> Review | None:
    return await tx.session.scalar(
        select(Review)
        .where(Review.subject_type == INSTITUTION_SUBJECT, Review.subject_id == registration_id)
        .order_by(Review.round.desc())
        .limit(1)
    )


async def changed_record(tx: Transaction, reg: InstitutionRegistration) -> InstitutionRegistration | None:
    """The approved record a change request changes (None for a registration or an update)."""
    if reg.changes_id is None:
        return None
    return await tx.session.scalar(select(InstitutionRegistration).where(InstitutionRegistration.id == reg.changes_id))


async def full_view(tx: Transaction, reg: InstitutionRegistration) -> RegistrationView:
    return view_of(reg, await latest_review(tx, reg.id), await changed_record(tx, reg))


def view_of(
    reg: InstitutionRegistration, review: Review | None, base: InstitutionRegistration | None = None
) -> RegistrationView:
    status = InstitutionRegistrationStatus(reg.status)
    before = reg.previous_values if reg.previous_values is not None else (base.values if base is not None else None)
    changes = difference(INSTITUTION_REGISTRATION, before, reg.values) if before is not None else ()
    # A draft has no live review; a resubmission's earlier round is history.
    live = review if status != InstitutionRegistrationStatus.DRAFT else None
    return RegistrationView(
        id=reg.id,
        kind=reg.kind,
        kind_label=KIND_LABELS.get(reg.kind, reg.kind),
        status=status.value,
        status_label=STATUS_LABELS[status],
        name=reg.name,
        credit_code=reg.credit_code,
        region_code=reg.region_code,
        values=dict(reg.values),
        registration_number=reg.registration_number,
        reason=reg.reason,
        editable=status in EDITABLE,
        review_id=live.id if live is not None else None,
        receipt_number=receipt_number(live) if live is not None else None,
        due_on=live.due_on if live is not None else None,
        submitted_at=reg.submitted_at,
        decided_at=reg.decided_at,
        changes_id=reg.changes_id,
        changes_number=base.registration_number if base is not None else None,
        difference=changes,
        managers=list(reg.managers) if reg.managers is not None else None,
    )


def approved_this_year(policy: RegistrationPolicy, reg: InstitutionRegistration, today: date) -> bool:
    decided = reg.decided_at
    return decided is not None and decided.astimezone(ZoneInfo(policy.timezone)).year == today.year


def refuse_outside_window(policy: RegistrationPolicy, today: date) -> None:
    if not policy.update_window_open(today):
        when = f"（每年{policy.update_opens}至{policy.update_closes}）" if policy.update_opens else ""
        raise Conflict(f"当前不在年度更新期间{when}，不能进行年度更新", code="update_window_closed")


def refuse_update(policy: RegistrationPolicy, approved: InstitutionRegistration, today: date) -> None:
    """An approved record is updated once a year, in the window; the year it was approved needs none."""
    if approved_this_year(policy, approved, today):
        raise Conflict("本年度登记已审核通过，无需再次登记或年度更新", code="registered_this_year")
    refuse_outside_window(policy, today)


def update_open(policy: RegistrationPolicy, latest: InstitutionRegistration | None, today: date) -> bool:
    """Whether saving now starts an annual update of the latest (approved) record."""
    if latest is None or latest.status != InstitutionRegistrationStatus.APPROVED:
        return False
    return policy.update_window_open(today) and not approved_this_year(policy, latest, today)


def _significant(region_code: str) -> str:
    """A region code without its trailing zero pairs: 330100 → 3301 (a city), 330000 → 33 (a province)."""
    code = region_code
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


def reads(actor: Actor, reg: InstitutionRegistration) -> bool:
    """The applicant, the system admins, and the officials whose region contains the institution's."""
    if reg.account_id == actor.account_id or actor.has(Role.SYSTEM_ADMIN):
        return True
    return any(
        g.role == Role.OFFICIAL and g.region_code and reg.region_code.startswith(_significant(g.region_code))
        for g in actor.grants
    )


async def tell_applicant(tx: Transaction, policy: RegistrationPolicy, reg: InstitutionRegistration) -> None:
    """The applicant often has no DingTalk (the engine tells those who do): WeChat or an SMS says the decision."""
    status = InstitutionRegistrationStatus(reg.status)
    approved = "已通过审核" if reg.kind == CHANGE else f"已通过审核，登记号{reg.registration_number}"
    said = {
        InstitutionRegistrationStatus.APPROVED: (approved, "已通过"),
        InstitutionRegistrationStatus.REJECTED: ("未通过审核", "未通过"),
        InstitutionRegistrationStatus.RETURNED: ("需修改后重新提交", "退回修改"),
    }[status]
    # The SMS reads 「…的基础信息变更已通过审核」 for a change request.
    sms_status = "的基础信息变更" + said[0] if reg.kind == CHANGE else said[0]
    matter = f"机构基础信息变更：{reg.name}" if reg.kind == CHANGE else f"机构登记：{reg.name}"
    source = f"institution_registration:{reg.id}"
    decision = Decision(matter, reg.name, sms_status, said[1], reg.reason or "", source)
    await tell_decision(tx, policy, reg.account_id, decision)
