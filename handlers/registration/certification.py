"""What the certification use cases share: the applicant's record, how it reads on the page, and the notice of
the platform's decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from handlers.registration.chains import CERTIFICATION_SUBJECT
from handlers.registration.decision_notice import Decision, tell_decision
from handlers.registration.policy import RegistrationPolicy
from handlers.reviews.deadlines import receipt_number
from store.models.demands import Review
from store.models.registration import CertificationStatus, UnitCertification
from store.transaction import Transaction

STATUS_LABELS = {
    CertificationStatus.PENDING: "审核中",
    CertificationStatus.CERTIFIED: "已认证",
    CertificationStatus.REJECTED: "已驳回",
    CertificationStatus.RETURNED: "退回修改",
}
REGISTRY_LABELS = {
    "confirmed": "与工商登记一致",
    "differs": "与工商登记不一致，请审核人核对",
    "not_found": "工商登记中未查到该名称",
    "unchecked": "未核验（工商信息查询服务不可用）",
}


@dataclass(frozen=True)
class CertifiedIdentity:
    name: str
    credit_code: str
    legal_representative: str
    certified_at: datetime


@dataclass(frozen=True)
class CertificationView:
    id: int
    status: str
    status_label: str
    name: str
    credit_code: str
    legal_representative: str
    licence_file_id: int
    registry_check: str
    registry_label: str
    reason: str | None
    # Set once the platform has certified the unit; a re-certification leaves it in place until approved.
    certified: CertifiedIdentity | None
    # Editable on the page: everything but the credit code once certified; nothing while pending.
    credit_code_locked: bool
    review_id: int | None
    receipt_number: str | None
    due_on: date | None
    submitted_at: datetime


async def certification_of(tx: Transaction, account_id: int, *, lock: bool = False) -> UnitCertification | None:
    query = select(UnitCertification).where(UnitCertification.account_id == account_id)
    return await tx.session.scalar(query.with_for_update() if lock else query)


async def latest_review(tx: Transaction, certification_id: int) -> Review | None:
    return await tx.session.scalar(
        select(Review)
        .where(Review.subject_type == CERTIFICATION_SUBJECT, Review.subject_id == certification_id)
        .order_by(Review.round.desc())
        .limit(1)
    )


def view_of(cert: UnitCertification, review: Review | None) -> CertificationView:
    certified = None
    if cert.certified_at is not None:
        certified = CertifiedIdentity(
            cert.certified_name or "",
            cert.certified_code or "",
            cert.certified_legal_representative or "",
            cert.certified_at,
        )
    status = CertificationStatus(cert.status)
    return CertificationView(
        id=cert.id,
        status=status.value,
        status_label=STATUS_LABELS[status],
        name=cert.name,
        credit_code=cert.credit_code,
        legal_representative=cert.legal_representative,
        licence_file_id=cert.licence_file_id,
        registry_check=cert.registry_check,
        registry_label=REGISTRY_LABELS.get(cert.registry_check, cert.registry_check),
        reason=cert.reason,
        certified=certified,
        credit_code_locked=cert.certified_at is not None,
        review_id=review.id if review is not None else None,
        receipt_number=receipt_number(review) if review is not None else None,
        due_on=review.due_on if review is not None else None,
        submitted_at=cert.submitted_at,
    )


async def tell_applicant(tx: Transaction, policy: RegistrationPolicy, cert: UnitCertification, reason: str) -> None:
    """The applicant often has no DingTalk (the engine tells those who do): WeChat or an SMS says the decision."""
    said = {
        CertificationStatus.CERTIFIED: ("已通过审核", "已通过"),
        CertificationStatus.REJECTED: ("未通过审核", "未通过"),
        CertificationStatus.RETURNED: ("需修改后重新提交", "退回修改"),
    }[CertificationStatus(cert.status)]
    decision = Decision(f"单位认证：{cert.name}", cert.name, said[0], said[1], reason, f"unit_certification:{cert.id}")
    await tell_decision(tx, policy, cert.account_id, decision)
