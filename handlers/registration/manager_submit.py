"""A technology manager saves (【保存】) or submits (【提交】) the registration form (seed 000 二.3–4).

With an institution's invitation code the manager is bound to that institution and its admins review first,
then the city bureau; without one the registration is individual (the ID-card and title-certificate scans are
required) and goes straight to the city. The ID number and the invitation code are fixed by the first
submission. An approved bound manager edits only after the institution's 驳回更新; an unbound one edits and
resubmits at will.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, select, update

from handlers.errors import Conflict, Forbidden, InvalidInput, NotFound
from handlers.forms.check import validate
from handlers.forms.declaration import Context
from handlers.invitations import codes
from handlers.invitations.codes import CodeStatus
from handlers.registration.manager_chains import BOUND_CHAIN, INDIVIDUAL_CHAIN, MANAGER_SUBJECT
from handlers.registration.manager_form import MANAGER, MANAGER_ENTRY, SCAN_PURPOSE
from handlers.registration.manager_record import ManagerView, record_of, to_json, view_of
from handlers.registration.policy import RegistrationPolicy
from handlers.reviews.chains import CHAINS
from handlers.reviews.start_review import ReviewSubject, start_review
from handlers.transactions import transact
from store.models.files import StoredFile
from store.models.invitations import InvitationCode, InvitationPurpose
from store.models.manager_registration import ManagerStatus, TechnologyManagerRegistration
from store.models.organisation import CLOSED_STATUSES, Account, Institution
from store.transaction import Transaction
from store.uow import UnitOfWork

EDITABLE = (ManagerStatus.DRAFT, ManagerStatus.REJECTED, ManagerStatus.RETURNED, ManagerStatus.DELETED)


@dataclass(frozen=True)
class SubmitManager:
    actor_id: int
    values: dict[str, Any]  # the form's JSON, read as the form declares (handlers.forms.check.read)
    draft: bool = False  # 【保存】: held only to what the record can store


async def submit_manager(cmd: SubmitManager, uow: UnitOfWork, policy: RegistrationPolicy) -> ManagerView:
    return await transact(uow, lambda tx: _run(tx, cmd, dict(cmd.values), policy))


async def _run(tx: Transaction, cmd: SubmitManager, raw: dict[str, Any], policy: RegistrationPolicy) -> ManagerView:
    now = tx.clock.now()
    # The account row lock orders this person's submissions (and their audit entries).
    account = await tx.session.scalar(select(Account).where(Account.id == cmd.actor_id).with_for_update())
    if account is None or account.status in CLOSED_STATUSES:
        raise Forbidden("账号已停用，不能登记技术经理人")
    record = await record_of(tx, cmd.actor_id, lock=True)
    fixed = record is not None and record.submitted_at is not None and record.status != ManagerStatus.DELETED
    if record is not None:
        _may_edit(record)
        if fixed:
            raw = _keep_fixed(record, raw)
    # A record the institution entered (its import) is bound without a code: no scans, as when it was entered.
    entered = fixed and record is not None and record.institution_id is not None and not record.invitation_code
    form = MANAGER_ENTRY if entered else MANAGER
    values = validate(form, raw, Context(now.astimezone(ZoneInfo(policy.timezone)).date()), draft=cmd.draft)
    code_text = str(values.get("invitation_code") or "")
    institution_id = record.institution_id if fixed and record is not None else None
    if code_text and not fixed:
        institution_id = await _institution_of_code(tx, code_text, take_use=not cmd.draft)
    id_number = str(values.get("id_number") or "") or None
    if id_number and not fixed:
        await _id_number_free(tx, id_number, cmd.actor_id)
    if not cmd.draft and institution_id is None:
        kept = dict(record.values) if record is not None else {}
        for name in ("id_card_file_id", "title_certificate_file_id"):
            await _own_scan(tx, int(values[name]), f"account:{cmd.actor_id}", kept=kept.get(name), field=name)
    if record is None:
        record = TechnologyManagerRegistration(
            account_id=cmd.actor_id, created_at=now, reopened=False, approved_at=None, submitted_at=None
        )
        tx.session.add(record)
    if record.status == ManagerStatus.DELETED:
        record.approved_at = record.deletion_requested_at = record.submitted_at = None
        record.reopened = False
    record.name = str(values.get("name") or account.name or "")
    record.values = to_json(values)
    record.id_number, record.invitation_code = id_number, (codes.normalise(code_text) if code_text else None)
    record.institution_id = institution_id
    record.updated_at = now
    if cmd.draft:
        if record.submitted_at is None:
            record.status = ManagerStatus.DRAFT
        await tx.session.flush()
        tx.record(MANAGER_SUBJECT, record.id, "saved", actor=f"account:{cmd.actor_id}")
        return await view_of(tx, record)
    again = record.submitted_at is not None
    record.status, record.reason, record.submitted_at = ManagerStatus.PENDING, None, now
    await tx.session.flush()
    tx.record(
        MANAGER_SUBJECT,
        record.id,
        "resubmitted" if again else "submitted",
        actor=f"account:{cmd.actor_id}",
        data={"institution_id": institution_id, "reopened": record.reopened},
    )
    region = policy.individual_region
    if institution_id is not None:
        region = (
            await tx.session.scalar(select(Institution.region_code).where(Institution.id == institution_id)) or region
        )
    link = f"{policy.manager_page}{record.id}" if policy.manager_page else ""
    summary = _summary(values, institution_id is not None, record.reopened)
    await start_review(
        tx,
        CHAINS[BOUND_CHAIN if institution_id is not None else INDIVIDUAL_CHAIN],
        ReviewSubject(MANAGER_SUBJECT, record.id, record.name, summary, link, institution_id, region, cmd.actor_id),
    )
    return await view_of(tx, record)


def _may_edit(record: TechnologyManagerRegistration) -> None:
    if record.status == ManagerStatus.PENDING:
        raise Conflict("技术经理人登记正在审核中，请等待审核结果", code="manager_pending")
    if record.deletion_requested_at is not None:  # returned for update before the deletion was asked, too
        raise Conflict("删除申请正在平台审核中，不能修改", code="manager_deletion_pending")
    if record.status == ManagerStatus.APPROVED and record.institution_id is not None:
        raise Conflict("已绑定机构的技术经理人须先由机构「驳回更新」后才能修改信息", code="manager_update_needs_return")


def _keep_fixed(record: TechnologyManagerRegistration, raw: dict[str, Any]) -> dict[str, Any]:
    """The ID number and the invitation code stay as first submitted; a different one sent is refused."""
    kept = dict(raw)
    for name, stored, label in (
        ("id_number", record.id_number, "身份证号"),
        ("invitation_code", record.invitation_code, "邀请码"),
    ):
        sent = str(raw.get(name) or "").strip().upper()
        if sent and sent != (stored or ""):
            raise Conflict(f"{label}提交后不能修改", code=f"{name}_locked", field=name)
        kept[name] = stored or ""
    return kept


async def _institution_of_code(tx: Transaction, text: str, *, take_use: bool) -> int:
    code_text = codes.normalise(text)
    code = None
    if code_text is not None:
        code = await tx.session.scalar(select(InvitationCode).where(InvitationCode.code == code_text))
    if code is None or code.purpose != InvitationPurpose.TECHNOLOGY_MANAGER:
        raise InvalidInput(codes.INVALID, code="invalid_invitation_code", field="invitation_code")
    status = codes.status_of(code, tx.clock.now())
    if status != CodeStatus.ACTIVE:
        message = {
            CodeStatus.REVOKED: codes.REVOKED.format(reason=code.revoke_reason or ""),
            CodeStatus.EXPIRED: codes.EXPIRED,
        }.get(status, codes.EXHAUSTED)
        raise Conflict(message, code=f"invitation_{status.value}", field="invitation_code")
    if take_use:
        # The first submission takes one use, within the code's limit (the same conditional update as redeeming).
        done = await tx.session.execute(
            update(InvitationCode)
            .where(InvitationCode.id == code.id, InvitationCode.uses < InvitationCode.max_uses)
            .values(uses=InvitationCode.uses + 1)
            .execution_options(synchronize_session=False)
        )
        if not isinstance(done, CursorResult) or done.rowcount != 1:
            raise Conflict(codes.EXHAUSTED, code="invitation_exhausted", field="invitation_code")
    return code.institution_id


async def _id_number_free(tx: Transaction, id_number: str, account_id: int) -> None:
    taken = await tx.session.scalar(
        select(TechnologyManagerRegistration.id).where(
            TechnologyManagerRegistration.id_number == id_number,
            TechnologyManagerRegistration.account_id != account_id,
            TechnologyManagerRegistration.status != ManagerStatus.DELETED,
        )
    )
    if taken is not None:
        raise Conflict("该身份证号已登记为技术经理人", code="id_number_registered", field="id_number")


async def _own_scan(tx: Transaction, file_id: int, uploader: str, *, kept: Any, field: str) -> None:
    """A scan the manager uploaded for this purpose, or the one already on the record: ids cannot be borrowed."""
    if file_id == kept:
        return
    found = await tx.session.scalar(
        select(StoredFile.id).where(
            StoredFile.id == file_id, StoredFile.purpose == SCAN_PURPOSE, StoredFile.uploaded_by == uploader
        )
    )
    if found is None:
        raise NotFound("未找到上传的扫描件，请重新上传", code="scan_not_found", field=field)


def _summary(values: dict[str, Any], bound: bool, reopened: bool) -> str:
    lines = [
        "驳回更新后重新提交" if reopened else ("机构绑定登记" if bound else "个人身份登记"),
        f"职称：{values.get('title_name') or ''}",
        f"工作经历：{len(values.get('work_history') or ())}段；典型项目：{len(values.get('projects') or ())}个",
    ]
    return "\n".join(lines)
