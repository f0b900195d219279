"""What the basic-information change (基础信息变更, seed 000 一.6) use cases share: when an institution may ask
for one, and which rows it concerns.

The period: an institution whose first registration was approved this year (Asia/Shanghai) may ask all year; one
first registered in an earlier year only outside the annual-update window (within it, the annual update is the
way to change the record). The change applies to the latest approved registration or update.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from handlers.errors import Conflict
from handlers.registration.institution_registration import (
    CHANGE,
    EDITABLE,
    FIRST,
    RECORD_KINDS,
    UPDATE,
    approved_this_year,
)
from handlers.registration.policy import RegistrationPolicy
from store.models.registration import InstitutionRegistration, InstitutionRegistrationStatus
from store.transaction import Transaction

_S = InstitutionRegistrationStatus
OPEN = frozenset({*EDITABLE, _S.PENDING})  # a change request not yet approved: edited and resubmitted, or waited on


@dataclass(frozen=True)
class ChangeState:
    """What the page needs to offer 申请变更基础信息: whether it may be asked now, and if not, why."""

    allowed: bool  # saving a change now is allowed (a new request, or editing the open one)
    code: str | None  # why not: the refusal's stable code
    reason: str | None  # why not, in Chinese (the window's dates when that is why)
    base_id: int | None  # the approved record a change would change
    open_id: int | None  # the change request not yet approved (draft, under review, rejected or returned)


@dataclass(frozen=True)
class Rows:
    """An account's registration rows as the change rules read them."""

    first: InstitutionRegistration | None  # the first registration
    base: InstitutionRegistration | None  # the latest approved registration or update
    update: InstitutionRegistration | None  # the latest annual update
    change: InstitutionRegistration | None  # the latest change request


def rows_of(registrations: list[InstitutionRegistration]) -> Rows:
    """`registrations`: the account's rows, newest first."""
    approved = [r for r in registrations if r.kind in RECORD_KINDS and r.status == _S.APPROVED]
    return Rows(
        next((r for r in registrations if r.kind == FIRST), None),
        approved[0] if approved else None,
        next((r for r in registrations if r.kind == UPDATE), None),
        next((r for r in registrations if r.kind == CHANGE), None),
    )


async def load_rows(tx: Transaction, account_id: int, *, lock: bool = False) -> Rows:
    query = (
        select(InstitutionRegistration)
        .where(InstitutionRegistration.account_id == account_id)
        .order_by(InstitutionRegistration.id.desc())
    )
    return rows_of(list(await tx.session.scalars(query.with_for_update() if lock else query)))


def refusal(policy: RegistrationPolicy, rows: Rows, today: date) -> Conflict | None:
    """Why a change may not be saved now, or None. Checked on every save and submission of a change."""
    if rows.base is None or rows.first is None:
        return Conflict("机构登记审核通过后才能申请基础信息变更", code="change_not_registered")
    if rows.update is not None and rows.update.status == _S.PENDING:
        return Conflict("年度更新正在审核中，请等待审核结果后再申请基础信息变更", code="update_pending")
    if approved_this_year(policy, rows.first, today):
        return None  # first registered this year: all year
    if policy.update_window_open(today):
        return Conflict(
            f"当前为年度更新期间（每年{policy.update_opens}至{policy.update_closes}），以前年度首次登记的机构"
            "请在年度更新期间以外申请基础信息变更，或通过年度更新修改登记信息",
            code="change_period_closed",
        )
    return None


def change_state(policy: RegistrationPolicy, rows: Rows, today: date) -> ChangeState:
    refused = refusal(policy, rows, today)
    if refused is None and rows.change is not None and rows.change.status == _S.PENDING:
        refused = Conflict("基础信息变更正在审核中，请等待审核结果", code="change_pending")
    open_change = rows.change if rows.change is not None and rows.change.status in OPEN else None
    return ChangeState(
        refused is None,
        refused.code if refused is not None else None,
        refused.message if refused is not None else None,
        rows.base.id if rows.base is not None else None,
        open_change.id if open_change is not None else None,
    )
