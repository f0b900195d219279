"""An approved institution saves (保存) or submits (提交) a basic-information change (基础信息变更, seed 000 一.6)
of its latest approved registration: the same form, a draft held only to what can be stored, every rule on
submission. The change is a row of its own; the city bureau reviews it with the registration's chain, seeing
every changed field (the card's summary, the page's table), and the approved record takes the new values only
when the change is approved (keeping its number). A rejected or returned change is edited and submitted again.

The period (handlers.registration.institution_change): all year for an institution first registered this year,
otherwise only outside the annual-update window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from cards.registration_change import change_summary
from handlers.errors import Conflict, Forbidden, InvalidInput
from handlers.forms.check import validate
from handlers.forms.declaration import Context
from handlers.reference.ports import RegionDirectory
from handlers.registration.chains import INSTITUTION_CHAIN, INSTITUTION_SUBJECT
from handlers.registration.institution_change import Rows, load_rows, refusal
from handlers.registration.institution_difference import difference
from handlers.registration.institution_form import INSTITUTION_CHANGE
from handlers.registration.institution_registration import (
    CHANGE,
    RegistrationView,
    certified_identity,
    full_view,
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

_S = InstitutionRegistrationStatus

NOT_CERTIFIED = "请先完成单位认证，再申请基础信息变更"


@dataclass(frozen=True)
class SaveInstitutionChange:
    actor_id: int
    values: dict[str, Any]  # the whole form as changed (handlers.registration.institution_form)
    draft: bool  # True: 保存; False: 提交


async def save_institution_change(
    cmd: SaveInstitutionChange, uow: UnitOfWork, policy: RegistrationPolicy, regions: RegionDirectory
) -> RegistrationView:
    today = uow.clock.now().astimezone(ZoneInfo(policy.timezone)).date()
    # Who may ask, and when, comes before what is wrong in the form.
    async with uow:
        await certified_identity(uow, cmd.actor_id, NOT_CERTIFIED)
        _allowed(policy, await load_rows(uow, cmd.actor_id), today)
    values = validate(INSTITUTION_CHANGE, cmd.values, Context(today, regions), draft=cmd.draft)
    return await transact(uow, lambda tx: _save(tx, cmd.actor_id, values, cmd.draft, policy, today))


def _allowed(policy: RegistrationPolicy, rows: Rows, today: date) -> None:
    refused = refusal(policy, rows, today)
    if refused is not None:
        raise refused


async def _save(
    tx: Transaction, actor_id: int, values: dict[str, Any], draft: bool, policy: RegistrationPolicy, today: date
) -> RegistrationView:
    # The account row lock orders this account's saves with its registrations' and updates'.
    account = await tx.session.scalar(select(Account).where(Account.id == actor_id).with_for_update())
    if account is None or account.status in CLOSED_STATUSES:
        raise Forbidden("账号已停用，不能申请基础信息变更")
    cert, identity = await certified_identity(tx, actor_id, NOT_CERTIFIED)
    rows = await load_rows(tx, actor_id, lock=True)
    _allowed(policy, rows, today)
    base = rows.base
    assert base is not None  # refusal() says so
    reg = rows.change
    now = tx.clock.now()
    if reg is not None and reg.status == _S.PENDING:
        raise Conflict("基础信息变更正在审核中，请等待审核结果", code="change_pending")
    if reg is None or reg.status == _S.APPROVED:
        reg = InstitutionRegistration(
            account_id=actor_id,
            certification_id=cert.id,
            kind=CHANGE,
            status=_S.DRAFT,
            submitted_at=None,
            decided_at=None,
            registration_number=None,
            reason=None,
            previous_values=None,
            created_at=now,
        )
        tx.session.add(reg)
    changes = difference(INSTITUTION_CHANGE, base.values, stored(values))
    if not draft and not changes:
        raise InvalidInput("变更内容与已登记信息相同，请修改后再提交", code="change_unchanged")
    # A change always changes the latest approved record (an update approved since the draft was begun included).
    reg.changes_id = base.id
    reg.values = stored(values)
    reg.name = registered_name(identity, values)
    reg.credit_code = identity.credit_code
    reg.region_code = base.region_code
    reg.updated_at = now
    if not draft:
        reg.status, reg.submitted_at, reg.reason = _S.PENDING, now, None
    await tx.session.flush()
    tx.record(
        INSTITUTION_SUBJECT,
        reg.id,
        "change_saved" if draft else "change_submitted",
        actor=f"account:{actor_id}",
        data={"changes": base.id, "fields": [c.field for c in changes]},
    )
    if draft:
        return await full_view(tx, reg)
    review = await start_review(
        tx,
        CHAINS[INSTITUTION_CHAIN],
        ReviewSubject(
            INSTITUTION_SUBJECT,
            reg.id,
            f"{reg.name}（基础信息变更）",
            change_summary(base.registration_number or "", reg.credit_code, changes),
            f"{policy.institution_page}{reg.id}" if policy.institution_page else "",
            None,
            reg.region_code,
            actor_id,
        ),
    )
    return view_of(reg, review, base)
