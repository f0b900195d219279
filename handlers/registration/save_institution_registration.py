"""A certified organisation saves (保存) or submits (提交) its first registration as a technology-transfer
institution (seed 000 一.4, seed 001 §一).

A draft is saved at any time, held only to what can be stored; a submission checks every rule of the form, then
the city bureau of the institution's region reviews within the chain's working days (a receipt number and a due
date). The certified identity comes from the unit certification, never from the form; a registration under
review or approved is not edited here. A rejected or returned registration is edited and submitted again: a new
review round.

Once approved, saving again is the annual update (年度更新, seed 000 一.5): only within the configured window, not
in the year the last registration was approved; a new row (the approved one is kept), reviewed again, a new
number on approval. The page prefills it from the last approved record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from handlers.errors import Conflict, Forbidden
from handlers.forms.check import validate
from handlers.forms.declaration import Context
from handlers.reference.ports import RegionDirectory
from handlers.registration.chains import INSTITUTION_CHAIN, INSTITUTION_SUBJECT
from handlers.registration.institution_form import CATEGORIES, INSTITUTION_REGISTRATION, NATURES
from handlers.registration.institution_managers import ManagerLine, institution_managers, snapshot
from handlers.registration.institution_registration import (
    CHANGE,
    EDITABLE,
    FIRST,
    RECORD_KINDS,
    UPDATE,
    RegistrationView,
    certified_identity,
    latest_review,
    refuse_outside_window,
    refuse_update,
    registered_name,
    stored,
    view_of,
)
from handlers.registration.policy import RegistrationPolicy
from handlers.reviews.chains import CHAINS
from handlers.reviews.start_review import ReviewSubject, start_review
from handlers.transactions import transact
from store.models.organisation import CLOSED_STATUSES, Account
from store.models.registration import InstitutionRegistration, InstitutionRegistrationStatus
from store.transaction import Transaction
from store.uow import UnitOfWork

NOT_CERTIFIED = "请先完成单位认证，再进行技术转移机构登记"


@dataclass(frozen=True)
class SaveInstitutionRegistration:
    actor_id: int
    values: dict[str, Any]  # the form's fields (handlers.registration.institution_form)
    draft: bool  # True: 保存; False: 提交


async def save_institution_registration(
    cmd: SaveInstitutionRegistration, uow: UnitOfWork, policy: RegistrationPolicy, regions: RegionDirectory
) -> RegistrationView:
    today = uow.clock.now().astimezone(ZoneInfo(policy.timezone)).date()
    # Who may fill it comes before what is wrong in it.
    async with uow:
        await certified_identity(uow, cmd.actor_id, NOT_CERTIFIED)
    values = validate(INSTITUTION_REGISTRATION, cmd.values, Context(today, regions), draft=cmd.draft)
    return await transact(uow, lambda tx: _save(tx, cmd.actor_id, values, cmd.draft, policy, today))


async def _save(
    tx: Transaction, actor_id: int, values: dict[str, Any], draft: bool, policy: RegistrationPolicy, today: date
) -> RegistrationView:
    # The account row lock orders this account's saves (and their audit entries).
    account = await tx.session.scalar(select(Account).where(Account.id == actor_id).with_for_update())
    if account is None or account.status in CLOSED_STATUSES:
        raise Forbidden("账号已停用，不能进行机构登记")
    cert, identity = await certified_identity(tx, actor_id, NOT_CERTIFIED)
    # A change request is not a registration: it is ignored here (save_institution_change).
    latest = await tx.session.scalar(
        select(InstitutionRegistration)
        .where(InstitutionRegistration.account_id == actor_id, InstitutionRegistration.kind.in_(RECORD_KINDS))
        .order_by(InstitutionRegistration.id.desc())
        .limit(1)
        .with_for_update()
    )
    now = tx.clock.now()
    reg = latest
    if latest is not None and latest.kind == UPDATE and latest.status in EDITABLE:
        refuse_outside_window(policy, today)
    if latest is not None and latest.status == InstitutionRegistrationStatus.APPROVED:
        refuse_update(policy, latest, today)
        await _no_change_pending(tx, actor_id)
        reg = None  # the annual update: a row of its own, the approved record kept as it is
    if reg is None:
        reg = InstitutionRegistration(
            account_id=actor_id,
            certification_id=cert.id,
            kind=FIRST if latest is None else UPDATE,
            status=InstitutionRegistrationStatus.DRAFT,
            submitted_at=None,
            decided_at=None,
            registration_number=None,
            reason=None,
            created_at=now,
        )
        tx.session.add(reg)
    elif reg.status == InstitutionRegistrationStatus.PENDING:
        raise Conflict("机构登记正在审核中，请等待审核结果", code="registration_pending")
    reg.values = stored(values)
    reg.name = registered_name(identity, values)
    reg.credit_code = identity.credit_code
    reg.region_code = cert.region_code if cert.region_code.isdigit() else "000000"
    reg.updated_at = now
    managers = await institution_managers(tx, actor_id, identity.credit_code)
    if not draft:
        reg.managers = snapshot(managers)
        reg.status, reg.submitted_at, reg.reason = InstitutionRegistrationStatus.PENDING, now, None
    await tx.session.flush()
    tx.record(
        INSTITUTION_SUBJECT,
        reg.id,
        "saved" if draft else "submitted",
        actor=f"account:{actor_id}",
        data={"credit_code": reg.credit_code, "name": reg.name},
    )
    if draft:
        return view_of(reg, await latest_review(tx, reg.id))
    review = await start_review(
        tx,
        CHAINS[INSTITUTION_CHAIN],
        ReviewSubject(
            INSTITUTION_SUBJECT,
            reg.id,
            reg.name,
            _summary(reg, values, await _last_approved(tx, actor_id) if reg.kind == UPDATE else None, managers),
            f"{policy.institution_page}{reg.id}" if policy.institution_page else "",
            None,
            reg.region_code,
            actor_id,
        ),
    )
    return view_of(reg, review)


async def _last_approved(tx: Transaction, actor_id: int) -> InstitutionRegistration | None:
    return await tx.session.scalar(
        select(InstitutionRegistration)
        .where(
            InstitutionRegistration.account_id == actor_id,
            InstitutionRegistration.kind.in_(RECORD_KINDS),
            InstitutionRegistration.status == InstitutionRegistrationStatus.APPROVED,
        )
        .order_by(InstitutionRegistration.id.desc())
        .limit(1)
    )


async def _no_change_pending(tx: Transaction, actor_id: int) -> None:
    """An update begun while the city reviews a change of the record would start from values about to change."""
    pending = await tx.session.scalar(
        select(InstitutionRegistration.id).where(
            InstitutionRegistration.account_id == actor_id,
            InstitutionRegistration.kind == CHANGE,
            InstitutionRegistration.status == InstitutionRegistrationStatus.PENDING,
        )
    )
    if pending is not None:
        raise Conflict("基础信息变更正在审核中，请等待审核结果后再进行年度更新", code="change_pending")


def _summary(
    reg: InstitutionRegistration,
    values: dict[str, Any],
    approved: InstitutionRegistration | None,
    managers: list[ManagerLine],
) -> str:
    nature, category = dict(NATURES)[values["nature"]], dict(CATEGORIES)[values["category"]]
    # The city sees an annual update as such (the approved record it updates stays as it is).
    head = f"年度更新（原登记号：{approved.registration_number}）\n" if approved is not None else ""
    return head + (
        f"统一社会信用代码：{reg.credit_code}\n机构性质：{nature}；机构类别：{category}\n"
        f"负责人：{values['head_name']}（{values['head_position']}）\n"
        f"人员：共{values['staff_total']}人，技术转移{values['staff_transfer']}人，专职{values['staff_full_time']}人\n"
        f"技术经理人：{len(managers)}人（已登记{sum(m.status == 'approved' for m in managers)}人）"
    )
