"""An institution admin imports the institution's technology managers from the form's Excel template (seed 001
§一(三): 逐行新增，也可以批量导入; issue 17 item 7), with the expert import's report and error file.

Each row is checked as the form checks the page (manager_import_rows), every row before anything is written. A
row that passes becomes the manager's record, bound to the institution and submitted: the institution entered
and vouches for it, so it goes straight to the city's review (chain `technology_manager_entered`) — the
institution's own stage is for managers who register themselves with its code. The manager is the account of
the row's mobile (made when new, as adding an expert makes one), and signs in with it to follow the record.

Rows are keyed by ID number, so uploading a file again duplicates nothing: an ID number already this
institution's manager is left as it is (already present); one registered elsewhere, or a mobile whose account
already has a registration, fails with the reason. Each row is written in a transaction of its own (it starts a
review), so a row refused by the database — another import or a registration racing it to the same ID number —
fails alone.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from handlers.errors import Conflict, DomainError, InvalidInput, UnsupportedFileType
from handlers.files.policy import PURPOSES, check_content
from handlers.files.ports import FileStorage
from handlers.files.store_file import StoreFile, store_file
from handlers.forms.workbook import FailedRow, SheetRow, build_error_file, error_file_name, read_rows
from handlers.organisation.actors import Actor, load_actor, require_institution_admin
from handlers.organisation.people import find_or_create_account
from handlers.registration.manager_chains import ENTERED_CHAIN, MANAGER_SUBJECT
from handlers.registration.manager_import_rows import LAYOUT, check_row, header_of
from handlers.registration.manager_record import record_of, to_json
from handlers.registration.policy import RegistrationPolicy
from handlers.reviews.chains import CHAINS
from handlers.reviews.start_review import ReviewSubject, start_review
from handlers.transactions import transact
from store.models.manager_registration import ManagerImport, ManagerStatus, TechnologyManagerRegistration
from store.models.organisation import Institution
from store.transaction import Transaction
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ImportManagers:
    institution_id: int
    actor_id: int
    content: bytes
    filename: str


@dataclass(frozen=True)
class RowError:
    row: int  # as Excel shows it
    column: str  # the column's header (a group's for a rule of the whole group)
    reason: str
    field: str  # the form's field, as the form's own error names it (work_history[0].ended_on)
    code: str


@dataclass(frozen=True)
class ManagersImported:
    import_id: int
    imported: int
    already_present: int  # this institution's managers already (by ID number): left as they were
    failed: int
    errors: tuple[RowError, ...]
    error_file_sha256: str | None
    error_file_name: str | None


async def authorise_manager_import(uow: UnitOfWork, actor_id: int, institution_id: int) -> Actor:
    """Only the institution's admin imports: checked before an upload is even read, and again by the import."""
    async with uow:
        actor = await load_actor(uow, actor_id)
    require_institution_admin(actor, institution_id)
    return actor


async def import_managers(
    cmd: ImportManagers, uow: UnitOfWork, storage: FileStorage, policy: RegistrationPolicy
) -> ManagersImported:
    actor = await authorise_manager_import(uow, cmd.actor_id, cmd.institution_id)
    try:
        check_content(PURPOSES["spreadsheet"], cmd.content)
    except UnsupportedFileType:
        raise UnsupportedFileType("请上传Excel（.xlsx）文件；.xls、.csv 等格式请先在Excel中另存为 .xlsx") from None
    rows = await asyncio.to_thread(read_rows, cmd.content, LAYOUT)
    if not rows:
        raise InvalidInput("表格中没有可导入的技术经理人信息", code="empty_spreadsheet")

    today = uow.clock.now().astimezone(ZoneInfo(policy.timezone)).date()
    problems: dict[int, list[RowError]] = {}
    valid: list[tuple[SheetRow, dict[str, Any]]] = []
    first_of: dict[tuple[str, str], int] = {}
    for row in rows:
        checked = check_row(row.values, today)
        errors = [RowError(row.number, header_of(e.field), e.message, e.field, e.code) for e in checked.errors]
        # Two rows of one person are for the person to resolve, not for the import to pick one.
        for field, label in (("id_number", "身份证号"), ("mobile", "联系电话")):
            key = row.values[field].strip().upper()
            if not key:
                continue
            if (field, key) in first_of:
                reason = f"与第{first_of[field, key]}行的{label}重复"
                errors.append(RowError(row.number, label, reason, field, f"{field}_repeated"))
            else:
                first_of[field, key] = row.number
        if errors:
            problems[row.number] = errors
        elif checked.values is not None:
            valid.append((row, checked.values))

    imported = present = 0
    for row, values in valid:
        try:
            entered = await transact(
                uow, partial(_enter, actor=actor, institution_id=cmd.institution_id, values=values, policy=policy)
            )
        except DomainError as exc:
            field = exc.field or ""
            problems[row.number] = [RowError(row.number, header_of(field), exc.message, field, exc.code)]
            continue
        imported += entered
        present += not entered

    by_number = {row.number: row for row in rows}
    failures = [
        FailedRow(n, by_number[n].values, tuple((e.column, e.reason) for e in problems[n])) for n in sorted(problems)
    ]
    sha256 = name = None
    if failures:
        content = await asyncio.to_thread(build_error_file, failures, LAYOUT)
        name = error_file_name(cmd.filename, "技术经理人导入")
        sha256 = (await store_file(StoreFile("export", name, content, actor.label), uow, storage)).sha256
    report = tuple(e for n in sorted(problems) for e in problems[n])
    import_id = await _recorded(uow, cmd, imported, present, len(failures), sha256, name)
    return ManagersImported(import_id, imported, present, len(failures), report, sha256, name)


async def _enter(
    tx: Transaction, *, actor: Actor, institution_id: int, values: dict[str, Any], policy: RegistrationPolicy
) -> bool:
    """The row's manager entered and sent to the city: True; already this institution's manager: False."""
    actor = await load_actor(tx, actor.account_id)  # still the institution's admin, in this transaction
    require_institution_admin(actor, institution_id)
    id_number = str(values["id_number"])
    holder = await tx.session.scalar(
        select(TechnologyManagerRegistration).where(
            TechnologyManagerRegistration.id_number == id_number,
            TechnologyManagerRegistration.status != ManagerStatus.DELETED,
        )
    )
    if holder is not None:
        if holder.institution_id == institution_id:
            return False
        raise Conflict("该身份证号已登记为技术经理人", code="id_number_registered", field="id_number")
    account, _ = await find_or_create_account(tx, str(values["name"]), str(values["mobile"]), actor.label)
    record = await record_of(tx, account.id, lock=True)
    if record is not None and record.status not in (ManagerStatus.DRAFT, ManagerStatus.DELETED):
        raise Conflict("该手机号已登记为技术经理人", code="mobile_registered", field="mobile")
    now = tx.clock.now()
    if record is None:
        record = TechnologyManagerRegistration(account_id=account.id, created_at=now)
        tx.session.add(record)
    record.name, record.values, record.id_number = str(values["name"]), to_json(values), id_number
    record.institution_id, record.invitation_code = institution_id, None
    record.status, record.reason, record.reopened = ManagerStatus.PENDING, None, False
    record.approved_at = record.deletion_requested_at = None
    record.submitted_at = record.updated_at = now
    await tx.session.flush()
    tx.record(MANAGER_SUBJECT, record.id, "entered", actor=actor.label, data={"institution_id": institution_id})
    region = await tx.session.scalar(select(Institution.region_code).where(Institution.id == institution_id))
    link = f"{policy.manager_page}{record.id}" if policy.manager_page else ""
    summary = "\n".join(
        (
            "机构录入（批量导入）",
            f"职称：{values.get('title_name') or ''}",
            f"工作经历：{len(values.get('work_history') or ())}段；典型项目：{len(values.get('projects') or ())}个",
        )
    )
    subject = ReviewSubject(
        MANAGER_SUBJECT,
        record.id,
        record.name,
        summary,
        link,
        institution_id,
        region or policy.individual_region,
        account.id,
    )
    await start_review(tx, CHAINS[ENTERED_CHAIN], subject)
    return True


async def _recorded(
    uow: UnitOfWork, cmd: ImportManagers, imported: int, present: int, failed: int, sha256: str | None, name: str | None
) -> int:
    async with uow:
        row = ManagerImport(
            institution_id=cmd.institution_id,
            uploaded_by=cmd.actor_id,
            filename=cmd.filename[:255],
            imported=imported,
            already_present=present,
            failed=failed,
            error_file_sha256=sha256,
            error_file_name=name,
            created_at=uow.clock.now(),
        )
        uow.session.add(row)
        await uow.session.flush()
        uow.record(
            "technology_manager_import",
            row.id,
            "recorded",
            actor=f"account:{cmd.actor_id}",
            data={
                "institution_id": cmd.institution_id,
                "imported": imported,
                "already_present": present,
                "failed": failed,
                "error_file_sha256": sha256,
            },
        )
        await uow.commit()
        return row.id
