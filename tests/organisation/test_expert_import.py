"""Experts by Excel: the template, an import keyed by (institution, mobile), the report and the error file."""

from __future__ import annotations

import asyncio
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from handlers.audit.verify_audit_chain import verify_audit_chain
from handlers.errors import Forbidden, InvalidInput, UnsupportedFileType
from handlers.experts.add_expert import AddExpert, add_expert
from handlers.experts.expert_import import import_experts as importer
from handlers.experts.expert_import import sheet
from handlers.experts.expert_import.columns import (
    COLUMNS,
    ERROR_HEADER,
    FIELDS_SHEET_NAME,
    GUIDE_SHEET_NAME,
    SHEET_NAME,
)
from handlers.experts.expert_import.error_file import FailedRow, build_error_file
from handlers.experts.expert_import.import_experts import ExpertsImported, ImportExperts, import_experts
from handlers.experts.expert_import.template import build_template
from handlers.files.detect import detect
from handlers.forms import workbook
from sandbox.documents import make_pdf
from store.filestore import LocalFileStorage
from store.models.audit import AuditEntry
from store.models.files import StoredFile
from store.models.organisation import Account, AccountStatus
from store.models.organisation_people import Expert, ExpertLink, ExpertResearchResult
from store.uow import UnitOfWork
from tests.organisation.conftest import Org, refused
from tests.test_files import make_docx, make_xlsx

CODE_B = "12330100MB0123456R"
HEADERS = [c.title for c in COLUMNS]  # 姓名*, 手机号*, 工作单位, 职称, 个人简介, 科研成果, 技术方案, 研究领域, 所在地区


def xlsx(rows: Sequence[Sequence[object]], headers: Sequence[object] = HEADERS) -> bytes:
    """A workbook as a person would fill the template: header row, then rows (None for an empty cell)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_NAME)
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_rows(content: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


async def run(org: Org, inst: int, actor: int, content: bytes, name: str = "专家.xlsx") -> ExpertsImported:
    return await import_experts(ImportExperts(inst, actor, content, name), org.uow)


async def linked_mobiles(org: Org, inst: int) -> list[str]:
    async with org.container.sessionmaker() as s:
        rows = await s.scalars(
            select(Account.mobile)
            .join(Expert, Expert.account_id == Account.id)
            .join(ExpertLink, ExpertLink.expert_id == Expert.id)
            .where(ExpertLink.institution_id == inst)
        )
        return list(rows)


def good_row(i: int) -> list[object]:
    return [f"专家{i:04d}", f"135{i:08d}", "浙江大学", "教授", "研究新材料", "成果甲\n成果乙", None]


async def test_template_has_the_columns_rules_and_imports_nothing_as_it_is(org: Org) -> None:
    template = build_template()
    kind = detect(template)
    assert kind is not None and kind.kind == "xlsx"
    workbook = load_workbook(io.BytesIO(template))
    assert workbook.sheetnames == [SHEET_NAME, GUIDE_SHEET_NAME, FIELDS_SHEET_NAME]
    data = workbook[SHEET_NAME]
    assert [c.value for c in data[1]] == [
        "姓名*",
        "手机号*",
        "工作单位",
        "职称",
        "个人简介",
        "科研成果",
        "技术方案",
        "研究领域",
        "所在地区",
    ]
    # The taxonomy the 研究领域 column takes, by name or code.
    fields = [[c.value for c in row] for row in workbook[FIELDS_SHEET_NAME].iter_rows(min_row=2)]
    assert ["010101", "基础软件", "电子信息 › 软件 › 基础软件"] in fields and len(fields) == 314
    assert data.max_row == 1  # no sample row that could be imported by mistake
    assert data["B1"].comment is not None and "手机号" in data["B1"].comment.text
    assert data.data_validations.dataValidation  # length prompts while typing
    guide = "\n".join(str(c.value) for row in workbook[GUIDE_SHEET_NAME].iter_rows() for c in row if c.value)
    assert "必填" in guide and "重复" in guide and "错误原因" in guide
    inst, admin = await org.institution()
    error = await refused(org.container, run(org, inst, admin, template), InvalidInput, "empty_spreadsheet")
    assert error.message == "表格中没有可导入的专家信息"


async def test_a_thousand_rows_with_ten_faulty_ones(org: Org) -> None:
    inst, admin = await org.institution()
    rows = [good_row(i) for i in range(1000)]
    faults: dict[int, tuple[list[object], set[tuple[str, str]]]] = {
        # index into rows -> (row as uploaded, {(column, part of the reason)})
        10: (["钱一", "12345", None, None, None, None, None], {("手机号", "请输入正确的手机号码")}),
        20: ([None, "13900001111", None, None, None, None, None], {("姓名", "请填写专家姓名")}),
        30: (["钱三", "13900002222", None, "职" * 65, None, None, None], {("职称", "职称不能超过64个字")}),
        40: (["钱四", rows[5][1], None, None, None, None, None], {("手机号", "与第7行的手机号重复")}),
        50: (["钱五", "13900003333", None, None, "简" * 301, None, None], {("个人简介", "简介不能超过300个字")}),
        60: (["钱六", "0571-88888888", None, None, None, None, None], {("手机号", "请输入正确的手机号码")}),
        70: (["钱七", None, None, None, None, None, None], {("手机号", "请输入正确的手机号码")}),
        80: (["钱八", "13900004444", "单" * 129, None, None, None, None], {("工作单位", "工作单位不能超过128个字")}),
        90: (["钱九", "13900005555", None, None, None, "短\n" + "长" * 201, None], {("科研成果", "不能超过200个字")}),
        95: ([" ", "1390000", None, None, None, None, None], {("姓名", "请填写"), ("手机号", "正确的手机号码")}),
    }
    for index, (row, _) in faults.items():
        rows[index] = row
    original = xlsx(rows)

    result = await run(org, inst, admin, original, "浙大专家.xlsx")

    assert (result.imported, result.already_present, result.failed) == (990, 0, 10)
    expected = {(index + 2, column, part) for index, (_, problems) in faults.items() for column, part in problems}
    assert len(result.errors) == len(expected) == 11
    for error in result.errors:
        assert any(
            (error.row, error.column) == (row, column) and part in error.reason for row, column, part in expected
        ), error
    assert len(set(await linked_mobiles(org, inst))) == len(await linked_mobiles(org, inst)) == 990
    async with org.container.sessionmaker() as s:
        assert await s.scalar(select(func.count()).select_from(ExpertResearchResult)) == 2 * 990
        linked = await s.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.aggregate_type == "expert", AuditEntry.action == "linked")
        )
        assert linked == 990

    # The error file: the template's headers plus 错误原因, only the failing rows, as they were typed.
    assert result.error_file is not None and result.error_file_name == "浙大专家_错误行.xlsx"
    returned = sheet_rows(result.error_file)
    assert returned[0] == [*HEADERS, ERROR_HEADER]
    assert len(returned) == 11
    assert returned[1][:2] == ["钱一", "12345"] and "手机号：请输入正确的手机号码" in str(returned[1][-1])
    assert all(r[-1] for r in returned[1:])

    # The person fixes each problem in place and uploads the error file again, reason column and all.
    workbook = load_workbook(io.BytesIO(result.error_file))
    sheet = workbook.worksheets[0]
    for n, cells in enumerate(sheet.iter_rows(min_row=2), start=1):
        reason = str(cells[-1].value)
        if "姓名" in reason:
            cells[0].value = f"补录专家{n}"
        if "手机号" in reason:
            cells[1].value = f"1370000{n:04d}"
        for cell in cells[2:-1]:
            cell.value = str(cell.value)[:10] if cell.value else None
    fixed = io.BytesIO()
    workbook.save(fixed)

    again = await run(org, inst, admin, fixed.getvalue())
    assert (again.imported, again.already_present, again.failed) == (10, 0, 0), again.errors
    assert again.errors == () and again.error_file is None
    mobiles = await linked_mobiles(org, inst)
    assert len(mobiles) == len(set(mobiles)) == 1000

    # The original once more: nothing new, nothing duplicated, the same ten rows reported.
    once_more = await run(org, inst, admin, original)
    assert (once_more.imported, once_more.already_present, once_more.failed) == (0, 990, 10)
    async with org.container.sessionmaker() as s:
        assert await s.scalar(select(func.count()).select_from(ExpertLink)) == 1000
        assert await s.scalar(select(func.count()).select_from(Expert)) == 1000


async def test_blank_rows_column_order_number_cells_and_the_stored_error_file(org: Org, tmp_path: Path) -> None:
    inst, admin = await org.institution()
    headers = ["专家名单（2026年）"]  # a title row above the real header
    content = xlsx(
        [
            [None],
            ["备注", "手机号", "姓名 *", "职称"],  # reordered, an unknown column, a spaced mark
            ["随便写", 13512345678, "周一", "教授"],  # a mobile typed as a number
            [None, None, None, None],
            [None, "  ", None, None],  # only spaces: blank too
            ["x", "+86 135-1234-5679", "周二", None],
            [None, "123", "周三", None],
        ],
        headers,
    )
    storage = LocalFileStorage(tmp_path / "files")
    result = await import_experts(ImportExperts(inst, admin, content, "C:\\上传\\名单.xlsx"), org.uow, storage)
    assert (result.imported, result.already_present, result.failed) == (2, 0, 1)
    assert [(e.row, e.column) for e in result.errors] == [(8, "手机号")]  # Excel's row number, blanks counted
    assert sorted(await linked_mobiles(org, inst)) == ["13512345678", "13512345679"]
    assert result.error_file_name == "名单_错误行.xlsx" and result.error_file_sha256 is not None
    assert await storage.read(result.error_file_sha256) == result.error_file
    async with org.container.sessionmaker() as s:
        stored = await s.scalar(select(StoredFile).where(StoredFile.sha256 == result.error_file_sha256))
        assert stored is not None and stored.purpose == "export" and stored.kind == "xlsx"


async def test_a_person_another_institution_keeps_gains_a_link_and_keeps_the_profile(org: Org) -> None:
    inst_a, admin_a = await org.institution()
    inst_b, admin_b = await org.institution("杭州市技术转移中心", CODE_B, mobile="13800000002", region="330100")
    first = await add_expert(AddExpert(admin_b, inst_b, "钱教授", "13500000001", title="教授"), org.uow)
    result = await run(org, inst_a, admin_a, xlsx([["钱某某", "13500000001", "别处", "研究员", None, None, None]]))
    assert (result.imported, result.already_present, result.failed) == (1, 0, 0)
    async with org.container.sessionmaker() as s:
        expert = await s.get(Expert, first.expert_id)
        account = await s.get(Account, first.account_id)
        assert expert is not None and (expert.title, expert.employer) == ("教授", "")
        assert account is not None and account.name == "钱教授"
        assert await s.scalar(select(func.count()).select_from(Expert)) == 1
    assert await linked_mobiles(org, inst_a) == ["13500000001"]


async def test_a_disabled_account_is_reported_and_the_rest_imported(org: Org) -> None:
    inst, admin = await org.institution()
    async with org.uow as uow:
        now = uow.clock.now()
        uow.session.add(
            Account(name="停用者", mobile="13500000009", status=AccountStatus.DISABLED, created_at=now, updated_at=now)
        )
        await uow.commit()
    result = await run(org, inst, admin, xlsx([good_row(1), ["停用者", "13500000009", None, None, None, None, None]]))
    assert (result.imported, result.already_present, result.failed) == (1, 0, 1)
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (3, "手机号", "该手机号码的账号已停用，请联系系统管理员")
    ]


async def test_refusals_change_nothing(org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    inst, admin = await org.institution()
    inst_b, admin_b = await org.institution("杭州市技术转移中心", CODE_B, mobile="13800000002", region="330100")
    c = org.container
    good = xlsx([good_row(1)])

    error = await refused(
        c, run(org, inst, admin, xlsx([["周一", "浙大"]], ["姓名*", "工作单位"])), InvalidInput, "missing_column"
    )
    assert error.message == "缺少必填列：手机号"
    error = await refused(c, run(org, inst, admin, xlsx([], ["职称"])), InvalidInput, "missing_column")
    assert error.message == "缺少必填列：姓名、手机号"
    pdf = run(org, inst, admin, make_pdf(), "专家.xlsx")  # a PDF renamed .xlsx
    error = await refused(c, pdf, UnsupportedFileType, "unsupported_file_type")
    assert ".xlsx" in error.message
    await refused(c, run(org, inst, admin, b""), InvalidInput, "empty_file")
    await refused(c, run(org, inst, admin, make_docx()), UnsupportedFileType, "unsupported_file_type")
    # A sound zip with an xlsx's parts named but no real workbook inside: detected as xlsx, unreadable.
    error = await refused(c, run(org, inst, admin, make_xlsx()), InvalidInput, "unreadable_spreadsheet")
    assert "导入模板" in error.message
    twice = xlsx([["周一", "13512345678", "13512345679"]], ["姓名", "手机号", "手机号*"])
    error = await refused(c, run(org, inst, admin, twice), InvalidInput, "duplicate_column")
    assert error.message == "表头中「手机号」列重复，请只保留一列"
    monkeypatch.setattr(sheet, "MAX_IMPORT_ROWS", 3)
    four = xlsx([good_row(i) for i in range(4)])
    error = await refused(c, run(org, inst, admin, four), InvalidInput, "too_many_rows")
    assert error.message == "单次最多导入3行，请分批导入"
    # Another institution's admin, and the system admin: only this institution's admin imports.
    await refused(c, run(org, inst, admin_b, good), Forbidden, "forbidden")
    await refused(c, run(org, inst, org.admin_id, good), Forbidden, "forbidden")
    assert inst_b != inst


def rezipped(content: bytes, extra: dict[str, bytes]) -> bytes:
    """The workbook with parts added or replaced (deflated, as Excel writes them)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            if entry.filename not in extra:
                target.writestr(entry.filename, source.read(entry))
        for name, data in extra.items():
            target.writestr(name, data)
    return out.getvalue()


async def test_workbooks_that_inflate_beyond_the_limits_are_refused_unparsed(
    org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    inst, admin = await org.institution()
    c = org.container
    good = xlsx([good_row(1)])
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        types = archive.read("[Content_Types].xml")
    # A shared-strings part (as Excel writes one) of a hundred thousand tiny items: a few KB uploaded, refused
    # before openpyxl parses anything.
    strings_type = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    bomb = {
        "[Content_Types].xml": types.replace(
            b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="' + strings_type + b'" /></Types>'
        ),
        "xl/sharedStrings.xml": b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"<si><t>x</t></si>" * (workbook.MAX_SHARED_STRINGS + 1)
        + b"</sst>",
    }
    parsed: list[bytes] = []

    def spied_load(*args: Any, **kwargs: Any) -> Any:
        parsed.append(b"")
        return load_workbook(*args, **kwargs)

    monkeypatch.setattr(workbook, "load_workbook", spied_load)
    for content in (
        rezipped(good, bomb),
        rezipped(good, {"xl/media/padding.bin": bytes(workbook.MAX_INFLATED_BYTES + 1)}),
        rezipped(good, {f"xl/media/{i}.bin": b"" for i in range(workbook.MAX_ZIP_ENTRIES)}),
    ):
        assert len(content) < 200_000
        error = await refused(c, run(org, inst, admin, content), InvalidInput, "spreadsheet_too_large")
        assert error.message == "Excel文件内容过大，请删除多余的内容或分批导入"
    assert parsed == []
    # Within the zip's limits, the cells walked are bounded too (blank ones included).
    monkeypatch.setattr(workbook, "MAX_SCANNED_CELLS", 10)
    await refused(
        c, run(org, inst, admin, xlsx([good_row(i) for i in range(6)])), InvalidInput, "spreadsheet_too_large"
    )
    assert parsed != []
    monkeypatch.setattr(workbook, "MAX_SCANNED_CELLS", 6 * len(COLUMNS))
    assert (await run(org, inst, admin, xlsx([good_row(i) for i in range(6)]))).imported == 6


async def test_valid_rows_are_written_in_bounded_batches(org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    inst, admin = await org.institution()
    commits = 0
    real_commit = UnitOfWork.commit

    async def counting_commit(self: UnitOfWork) -> None:
        nonlocal commits
        commits += 1
        await real_commit(self)

    monkeypatch.setattr(importer, "BATCH_SIZE", 4)
    monkeypatch.setattr(UnitOfWork, "commit", counting_commit)
    result = await run(org, inst, admin, xlsx([good_row(i) for i in range(10)]))
    assert (result.imported, commits) == (10, 3)  # 4 + 4 + 2, one transaction each


async def test_imports_racing_over_the_same_people_end_as_sequential_ones(org: Org) -> None:
    inst_a, admin_a = await org.institution()
    inst_b, admin_b = await org.institution("杭州市技术转移中心", CODE_B, mobile="13800000002", region="330100")
    content = xlsx([good_row(i) for i in range(20)])
    same_file_twice = await asyncio.gather(run(org, inst_a, admin_a, content), run(org, inst_a, admin_a, content))
    assert sorted((r.imported, r.already_present) for r in same_file_twice) == [(0, 20), (20, 0)]
    # Reversed order in the other institution: people are locked in mobile order, never in file order.
    both = await asyncio.gather(
        run(org, inst_b, admin_b, xlsx([good_row(i) for i in reversed(range(30))])),
        run(org, inst_a, admin_a, xlsx([good_row(i) for i in range(10, 30)])),
    )
    assert [(r.imported, r.already_present, r.failed) for r in both] == [(30, 0, 0), (10, 10, 0)]
    async with org.container.sessionmaker() as s:
        assert await s.scalar(select(func.count()).select_from(Expert)) == 30
        assert await s.scalar(select(func.count()).select_from(ExpertLink)) == 60
    report = await verify_audit_chain(org.uow, org.container.anchors)
    assert report.ok, report.findings


def test_the_error_file_hands_text_back_as_text() -> None:
    """A cell typed as text "=HYPERLINK(…)" must not come back from us as a live formula."""
    row = FailedRow(2, {"name": '=HYPERLINK("http://example.invalid")', "mobile": "123"}, (("手机号", "有误"),))
    cell = load_workbook(io.BytesIO(build_error_file([row]))).worksheets[0]["A2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://example.invalid")', "s")


async def test_research_fields_and_region_by_name_or_code_so_pushes_can_find_the_experts(org: Org) -> None:
    inst, admin = await org.institution()
    rows = [
        ["孙一", "13500000001", None, None, None, None, None, "新材料；010101", "浙江省杭州市西湖区"],
        ["孙二", "13500000002", None, None, None, None, None, "0101\n电子信息", "330106"],
        ["孙三", "13500000003", None, None, None, None, None, "炼金术", "西湖区"],  # unknown field, two 西湖区
        ["孙四", "13500000004", None, None, None, None, None, None, "杭州市"],  # a name only one region has
    ]
    result = await run(org, inst, admin, xlsx(rows))
    assert (result.imported, result.failed) == (3, 1)
    assert {(e.row, e.column) for e in result.errors} == {(4, "研究领域"), (4, "所在地区")}
    reasons = {e.column: e.reason for e in result.errors}
    assert reasons["研究领域"] == "未知的研究领域「炼金术」，请填写技术领域名称或代码"
    assert reasons["所在地区"].startswith("有2个地区名为「西湖区」")
    async with org.container.sessionmaker() as s:
        experts = dict(
            (await s.execute(select(Account.mobile, Expert).join(Expert, Expert.account_id == Account.id))).all()
        )
    assert (experts["13500000001"].research_fields, experts["13500000001"].region_code) == (["04", "010101"], "330106")
    assert (experts["13500000002"].research_fields, experts["13500000002"].region_code) == (["0101", "01"], "330106")
    assert (experts["13500000004"].research_fields, experts["13500000004"].region_code) == ([], "330100")
