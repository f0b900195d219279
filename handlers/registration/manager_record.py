"""What the technology-manager use cases share: the record, its JSON values and how it reads on the page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from handlers.errors import NotFound
from handlers.registration.decision_notice import Decision, tell_decision
from handlers.registration.manager_chains import MANAGER_SUBJECT
from handlers.registration.policy import RegistrationPolicy
from handlers.reviews.deadlines import receipt_number
from store.models.demands import Review, ReviewStatus
from store.models.manager_registration import ManagerStatus, TechnologyManagerRegistration
from store.transaction import Transaction

STATUS_LABELS = {
    ManagerStatus.DRAFT: "未提交",
    ManagerStatus.PENDING: "审核中",
    ManagerStatus.APPROVED: "已登记",
    ManagerStatus.REJECTED: "已驳回",
    ManagerStatus.RETURNED: "退回修改",
    ManagerStatus.DELETED: "已删除",
}


def to_json(value: Any) -> Any:
    """The checked form values as stored (dates as ISO text, lists as lists)."""
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [to_json(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class ManagerView:
    id: int
    account_id: int
    status: str
    status_label: str
    stage: str | None  # 机构审核 / 市级审核 while pending
    name: str
    id_number: str | None
    invitation_code: str | None
    institution_id: int | None
    bound: bool
    reopened: bool  # a resubmission after the institution's 驳回更新
    reason: str | None
    values: dict[str, Any]
    approved_at: datetime | None
    deletion_pending: bool
    review_id: int | None
    receipt_number: str | None
    due_on: date | None
    submitted_at: datetime | None


async def record_of(tx: Transaction, account_id: int, *, lock: bool = False) -> TechnologyManagerRegistration | None:
    query = select(TechnologyManagerRegistration).where(TechnologyManagerRegistration.account_id == account_id)
    return await tx.session.scalar(query.with_for_update() if lock else query)


async def record_by_id(tx: Transaction, record_id: int, *, lock: bool = False) -> TechnologyManagerRegistration:
    query = select(TechnologyManagerRegistration).where(TechnologyManagerRegistration.id == record_id)
    found = await tx.session.scalar(query.with_for_update() if lock else query)
    if found is None or found.status == ManagerStatus.DELETED:
        raise NotFound("未找到该技术经理人", code="manager_not_found")
    return found


async def latest_review(tx: Transaction, record_id: int, subject_type: str = MANAGER_SUBJECT) -> Review | None:
    return await tx.session.scalar(
        select(Review)
        .where(Review.subject_type == subject_type, Review.subject_id == record_id)
        .order_by(Review.round.desc())
        .limit(1)
    )


async def view_of(tx: Transaction, record: TechnologyManagerRegistration) -> ManagerView:
    from handlers.reviews.chains import CHAINS

    review = await latest_review(tx, record.id) if record.submitted_at is not None else None
    stage = None
    if review is not None and review.status == ReviewStatus.PENDING and record.status == ManagerStatus.PENDING:
        stage = CHAINS[review.chain].stage(review.stage).name
    status = ManagerStatus(record.status)
    return ManagerView(
        id=record.id,
        account_id=record.account_id,
        status=status.value,
        status_label=STATUS_LABELS[status],
        stage=stage,
        name=record.name,
        id_number=record.id_number,
        invitation_code=record.invitation_code,
        institution_id=record.institution_id,
        bound=record.institution_id is not None,
        reopened=record.reopened,
        reason=record.reason,
        values=dict(record.values),
        approved_at=record.approved_at,
        deletion_pending=record.deletion_requested_at is not None,
        review_id=review.id if review is not None else None,
        receipt_number=receipt_number(review) if review is not None else None,
        due_on=review.due_on if review is not None else None,
        submitted_at=record.submitted_at,
    )


async def tell_manager(
    tx: Transaction, policy: RegistrationPolicy, record: TechnologyManagerRegistration, what: str, reason: str
) -> None:
    """The manager often has no DingTalk (the engine tells those who do): WeChat or an SMS says the decision."""
    result = {"已通过审核": "已通过", "未通过审核": "未通过"}.get(what, "退回修改")
    link = f"{policy.manager_page}{record.id}" if policy.manager_page else ""
    decision = Decision(
        f"技术经理人登记：{record.name}",
        f"技术经理人{record.name}",
        what,
        result,
        reason,
        f"{MANAGER_SUBJECT}:{record.id}",
        link,
    )
    await tell_decision(tx, policy, record.account_id, decision)
