"""The institution admin imports experts from the template (seed 004 §六, seed 001's 批量导入 habit).

Rows are keyed by (institution, mobile), so uploading a file again never duplicates anything:
- a mobile this institution already maintains is left exactly as it is and counted as already present
  (the profile belongs to the person, as in add_expert; an old spreadsheet must not overwrite it);
- a mobile another institution maintains gains a link to this institution, the profile unchanged;
- a new mobile becomes an account, an expert profile and a link, as add_expert makes them.

Every row is checked with add_expert's rules before anything is written; valid rows are then written in
batches of BATCH_SIZE per transaction, each with add_expert's audit entries. A batch that fails for a
reason outside the file (the database went away) stops the import with the earlier batches kept: the
keying makes uploading the same file again the way to finish it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import TypeVar

from sqlalchemy import select

from handlers.errors import Conflict, InvalidInput, UnsupportedFileType
from handlers.experts.expert_import.columns import COLUMNS, WORK_SEPARATORS
from handlers.experts.expert_import.error_file import FailedRow, build_error_file
from handlers.experts.expert_import.sheet import SheetRow, read_rows
from handlers.experts.expert_profiles import ExpertProfile, Work, create_expert, link_expert
from handlers.experts.expertise import region_named, research_fields_named
from handlers.experts.form import EXPERT
from handlers.files.policy import PURPOSES, check_content
from handlers.files.ports import FileStorage
from handlers.files.store_file import StoreFile, store_file
from handlers.forms.sheet import check_row
from handlers.forms.workbook import error_file_name
from handlers.organisation import validation as v
from handlers.organisation.actors import Actor, load_actor, require_institution_admin
from handlers.organisation.clashes import retry_on_clash
from handlers.organisation.people import find_or_create_account
from store.models.organisation import Account
from store.models.organisation_people import Expert, ExpertLink
from store.uow import UnitOfWork

BATCH_SIZE = 200
T = TypeVar("T")
_HEADER = {c.field: c.header for c in COLUMNS}
# Checked by the form as typed; the list and reference columns take names and items split by line (below).
_TEXT_COLUMNS = ("name", "mobile", "employer", "title", "introduction")


@dataclass(frozen=True)
class ImportExperts:
    institution_id: int
    actor_id: int
    content: bytes
    filename: str


@dataclass(frozen=True)
class RowError:
    row: int  # the row number Excel shows
    column: str  # the column header, e.g. 手机号
    reason: str


@dataclass(frozen=True)
class ExpertsImported:
    imported: int  # new links: new people, or people another institution already maintained
    already_present: int  # this institution already maintained them; left as they were
    failed: int  # rows not imported
    errors: tuple[RowError, ...]  # every problem of every failed row, in row order
    error_file: bytes | None  # the failed rows with 错误原因, ready to fix and upload again
    error_file_name: str | None
    error_file_sha256: str | None  # set when a storage was given and the error file was stored


@dataclass(frozen=True)
class _Expert:
    number: int
    name: str
    mobile: str
    title: str
    employer: str
    introduction: str
    research_results: tuple[str, ...]
    technical_solutions: tuple[str, ...]
    research_fields: tuple[str, ...]  # taxonomy codes
    region_code: str | None


async def authorise_import(uow: UnitOfWork, actor_id: int, institution_id: int) -> Actor:
    """Only the institution's admin imports: checked before an upload is even read, and again by the import."""
    async with uow:
        actor = await load_actor(uow, actor_id)
    require_institution_admin(actor, institution_id)
    return actor


async def import_experts(cmd: ImportExperts, uow: UnitOfWork, storage: FileStorage | None = None) -> ExpertsImported:
    actor = await authorise_import(uow, cmd.actor_id, cmd.institution_id)
    try:
        check_content(PURPOSES["spreadsheet"], cmd.content)
    except UnsupportedFileType:
        raise UnsupportedFileType("请上传Excel（.xlsx）文件；.xls、.csv 等格式请先在Excel中另存为 .xlsx") from None
    # Parsing 5,000 rows takes about half a second: off the event loop, which serves every chat.
    rows = await asyncio.to_thread(read_rows, cmd.content)
    if not rows:
        raise InvalidInput("表格中没有可导入的专家信息", code="empty_spreadsheet")

    failed: dict[int, FailedRow] = {}
    valid: list[_Expert] = []
    today = uow.clock.now().date()
    first_row_of: dict[str, int] = {}
    for row in rows:
        expert, problems = _check(row, today)
        mobile = _valid_mobile(row.values["mobile"])
        # The first row with a number claims it even if it fails otherwise: two rows naming the same
        # person are for the person to resolve, not for the import to pick one.
        if mobile is not None:
            if mobile in first_row_of:
                problems.append(("手机号", f"与第{first_row_of[mobile]}行的手机号重复"))
            else:
                first_row_of[mobile] = row.number
        if expert is None or problems:
            failed[row.number] = FailedRow(row.number, row.values, tuple(problems))
            continue
        valid.append(expert)

    imported = present = 0
    by_number = {row.number: row for row in rows}
    for start in range(0, len(valid), BATCH_SIZE):
        batch = valid[start : start + BATCH_SIZE]
        outcome = await retry_on_clash(partial(_write_batch, uow, cmd, batch))
        imported += outcome.imported
        present += outcome.present
        for number, reason in outcome.refused:
            failed[number] = FailedRow(number, by_number[number].values, (("手机号", reason),))

    failures = [failed[n] for n in sorted(failed)]
    errors = tuple(RowError(f.number, header, reason) for f in failures for header, reason in f.problems)
    error_file = error_name = sha256 = None
    if failures:
        error_file = await asyncio.to_thread(build_error_file, failures)
        error_name = error_file_name(cmd.filename, "专家导入")
        if storage is not None:
            stored = await store_file(StoreFile("export", error_name, error_file, actor.label), uow, storage)
            sha256 = stored.sha256
    return ExpertsImported(imported, present, len(failures), errors, error_file, error_name, sha256)


def _check(row: SheetRow, today: date) -> tuple[_Expert | None, list[tuple[str, str]]]:
    """The expert form's rules (handlers.experts.form), every column checked so the person sees all of a row's
    problems at once; list and reference columns take names as a spreadsheet gives them."""
    values = row.values
    clean, problems = check_row(EXPERT, values, _TEXT_COLUMNS, today)

    def field(name: str, rule: Callable[[str], T], failed: T) -> T:
        try:
            return rule(values[name])
        except InvalidInput as exc:
            problems.append((_HEADER[name], exc.message))
            return failed

    results = _works(values["research_results"], "research_results", problems)
    solutions = _works(values["technical_solutions"], "technical_solutions", problems)
    no_fields: tuple[str, ...] = ()
    fields = field("research_fields", lambda s: tuple(research_fields_named(_items(s))), no_fields)
    region = field("region_code", region_named, None)
    if problems:
        return None, problems
    return (
        _Expert(
            row.number,
            clean["name"],
            clean["mobile"],
            clean["title"],
            clean["employer"],
            clean["introduction"],
            results,
            solutions,
            fields,
            region,
        ),
        problems,
    )


def _valid_mobile(cell: str) -> str | None:
    try:
        return v.mobile(cell)
    except InvalidInput:
        return None


def _items(cell: str) -> tuple[str, ...]:
    """A list cell's items: one per line or between semicolons (half or full width)."""
    text = cell
    for separator in WORK_SEPARATORS[1:]:
        text = text.replace(separator, WORK_SEPARATORS[0])
    return tuple(t.strip() for t in text.split(WORK_SEPARATORS[0]) if t.strip())


def _works(cell: str, name: str, problems: list[tuple[str, str]]) -> tuple[str, ...]:
    """Titles only, one per line: the form's per-item limit (the column's)."""
    titles = _items(cell)
    label = _HEADER[name]
    column = EXPERT.field(name).column
    limit = column.list_item_max or 0 if column is not None else 0
    for t in titles:
        if len(t) > limit:
            problems.append((label, f"{label}名称不能超过{limit}个字（「{t[:10]}…」）"))
            return ()
    return titles


@dataclass(frozen=True)
class _BatchOutcome:
    imported: int
    present: int
    refused: tuple[tuple[int, str], ...]  # (row number, reason) found only against the database


async def _write_batch(uow: UnitOfWork, cmd: ImportExperts, batch: list[_Expert]) -> _BatchOutcome:
    imported = present = 0
    refused: list[tuple[int, str]] = []
    async with uow:
        # Checked again per batch: an admin removed mid-import stops at the next batch.
        actor = await load_actor(uow, cmd.actor_id)
        require_institution_admin(actor, cmd.institution_id)
        linked = await _linked_mobiles(uow, cmd.institution_id, [e.mobile for e in batch])
        # Account rows are locked in mobile order, so two imports sharing people cannot deadlock.
        for expert in sorted(batch, key=lambda e: e.mobile):
            if expert.mobile in linked:
                present += 1
                continue
            try:
                await _link(uow, actor, cmd.institution_id, expert)
            except Conflict as exc:  # raised before this row wrote anything, e.g. a disabled account
                refused.append((expert.number, exc.message))
                continue
            imported += 1
        await uow.commit()
    return _BatchOutcome(imported, present, tuple(refused))


async def _linked_mobiles(uow: UnitOfWork, institution_id: int, mobiles: list[str]) -> set[str]:
    rows = await uow.session.scalars(
        select(Account.mobile)
        .join(Expert, Expert.account_id == Account.id)
        .join(ExpertLink, ExpertLink.expert_id == Expert.id)
        .where(ExpertLink.institution_id == institution_id, Account.mobile.in_(mobiles))
    )
    return set(rows)


async def _link(uow: UnitOfWork, actor: Actor, institution_id: int, e: _Expert) -> None:
    """What add_expert writes for one person, through the same shared functions."""
    account, new_account = await find_or_create_account(uow, e.name, e.mobile, actor.label)
    # A person created just now has no profile yet: one query less per new expert.
    expert = (
        None
        if new_account
        else await uow.session.scalar(select(Expert).where(Expert.account_id == account.id).with_for_update())
    )
    if expert is None:
        profile = ExpertProfile(
            e.title,
            e.employer,
            e.introduction,
            [Work(t) for t in e.research_results],
            [Work(t) for t in e.technical_solutions],
            e.research_fields,
            e.region_code,
        )
        expert = await create_expert(uow, account, profile, actor.label)
    await link_expert(
        uow,
        expert,
        institution_id=institution_id,
        added_by=actor.account_id,
        actor=actor.label,
        source="excel_import",
        new_account=new_account,
    )
