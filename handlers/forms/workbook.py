"""A form's spreadsheet in bulk, whatever the form (the expert import, the technology-manager import): reading an
uploaded workbook into rows of text keyed by the form's columns, and the error file handed back.

Only the data sheet is read (the layout's, else the first sheet); columns are found by header, so their
order does not matter and unknown columns (such as 错误原因 in a re-uploaded error file) are ignored.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from time import monotonic

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill

from handlers.errors import DomainError, InvalidInput
from handlers.forms.sheet import HEADER_FILL, SheetColumn, save, write_header

# openpyxl warns about workbook features it drops (extensions, odd styles); none matter here. A filter
# for its own module, set once: catch_warnings() would swap the process-wide filters from a worker thread.
warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")

# Blank rows are read too (openpyxl fills gaps up to the last row it knows): a sheet formatted down to
# row 1,048,576 is refused after this many rather than walked for minutes.
MAX_SCANNED_ROWS = 100_000
HEADER_SEARCH_ROWS = 5
# A workbook is a zip: its parts are checked by their declared sizes (zipfile never inflates a part past its
# declared size) before openpyxl parses anything. A 5,000-row template inflates to a few MB; a bomb of shared
# strings inflating to hundreds of MB (seconds of CPU and GBs of memory per upload) is refused unparsed.
MAX_ZIP_ENTRIES = 200
MAX_INFLATED_BYTES = 60 * 1024 * 1024
MAX_SHARED_STRINGS = 100_000  # <si> items, counted in every part (the shared-strings part may have any name)
# Cells walked (blank ones included) and the wall time of one parse, whatever the sheet's shape.
MAX_SCANNED_CELLS = 2_000_000
PARSE_SECONDS = 20.0


ERROR_HEADER = "错误原因"
ERROR_SUFFIX = "_错误行"


@dataclass(frozen=True)
class Layout:
    """What a form's spreadsheet is: its data sheet's name, its columns and the most rows one upload takes."""

    sheet_name: str
    columns: tuple[SheetColumn, ...]
    max_rows: int

    @property
    def by_header(self) -> dict[str, SheetColumn]:
        return {c.header: c for c in self.columns}


def header_key(value: object) -> str:
    """A header cell as a column name: spaces and the required mark (half or full width) dropped."""
    text = "" if value is None else str(value)
    return "".join(text.split()).rstrip("*＊")


@dataclass(frozen=True)
class SheetRow:
    number: int  # as Excel shows it
    values: dict[str, str]  # field -> cell text, stripped; absent columns give ""


def read_rows(content: bytes, layout: Layout) -> list[SheetRow]:
    """Non-blank data rows; raises InvalidInput for an unreadable file, one too big once inflated, or a missing
    required column."""
    deadline = monotonic() + PARSE_SECONDS
    _check_zip(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # any parser failure on a file that looked like xlsx is the file's fault
        raise _unreadable() from exc
    try:
        return _walk(workbook, layout, deadline)
    except DomainError:
        raise
    except Exception as exc:  # read-only sheets are parsed lazily: a broken sheet part fails mid-walk
        raise _unreadable() from exc
    finally:
        workbook.close()


def _check_zip(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_INFLATED_BYTES:
                raise _too_big()
            strings = 0
            for entry in entries:
                with archive.open(entry) as part:
                    tail = b""
                    while chunk := part.read(1024 * 1024):
                        strings += (tail + chunk).count(b"<si") - tail.count(b"<si")
                        tail = chunk[-2:]
                        if strings > MAX_SHARED_STRINGS:
                            raise _too_big()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError) as exc:
        raise _unreadable() from exc


def _too_big() -> InvalidInput:
    return InvalidInput("Excel文件内容过大，请删除多余的内容或分批导入", code="spreadsheet_too_large")


def _unreadable() -> InvalidInput:
    return InvalidInput("无法读取该Excel文件，请下载导入模板重新填写", code="unreadable_spreadsheet")


def _walk(workbook: Workbook, layout: Layout, deadline: float) -> list[SheetRow]:
    if not workbook.worksheets:
        raise _unreadable()
    name = layout.sheet_name
    sheet = workbook[name] if name in workbook.sheetnames else workbook.worksheets[0]
    by_header = layout.by_header
    rows = enumerate(sheet.iter_rows(values_only=True), start=1)
    # The header is the first row naming one of our columns: a title row above it is common in
    # spreadsheets people pass around (「XX中心专家名单」 merged across the top).
    header: tuple[object, ...] = ()
    for number, cells in rows:
        if any(header_key(c) in by_header for c in cells) or number >= HEADER_SEARCH_ROWS:
            header = cells
            break
    fields = _columns(header, layout)
    found: list[SheetRow] = []
    scanned = 0
    for number, cells in rows:
        scanned += len(cells)
        if scanned > MAX_SCANNED_CELLS or monotonic() > deadline:
            raise _too_big()
        if number > MAX_SCANNED_ROWS:
            raise InvalidInput(
                f"表格超过{MAX_SCANNED_ROWS}行（含空行），请删除表格末尾多余的行后再上传", code="too_many_rows"
            )
        values = {c.field: "" for c in layout.columns}
        for index, column in fields.items():
            if index < len(cells):
                values[column.field] = cell_text(cells[index])
        if any(values.values()):
            found.append(SheetRow(number, values))
            if len(found) > layout.max_rows:
                raise InvalidInput(f"单次最多导入{layout.max_rows}行，请分批导入", code="too_many_rows")
    return found


def _columns(header: tuple[object, ...], layout: Layout) -> dict[int, SheetColumn]:
    by_header = layout.by_header
    fields: dict[int, SheetColumn] = {}
    for index, value in enumerate(header):
        column = by_header.get(header_key(value))
        if column is None:
            continue
        if column in fields.values():
            raise InvalidInput(f"表头中「{column.header}」列重复，请只保留一列", code="duplicate_column")
        fields[index] = column
    missing = [c.header for c in layout.columns if c.required and c not in fields.values()]
    if missing:
        raise InvalidInput(f"缺少必填列：{'、'.join(missing)}", code="missing_column")
    return fields


def cell_text(value: object) -> str:
    """A cell as the person sees it: a mobile typed into a number cell (13800000001.0) is text again."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()


# --- the error file: only the rows that were not imported, as typed, with the reason in the last column ---
# It has the template's headers, so the person fixes it and uploads it again as it is.

_BAD_CELL = PatternFill("solid", fgColor="FFC7CE")
_REASON = SheetColumn("error", ERROR_HEADER, False, None, 50, "")


@dataclass(frozen=True)
class FailedRow:
    number: int
    values: dict[str, str]
    problems: tuple[tuple[str, str], ...]  # (column header, reason)

    @property
    def reason(self) -> str:
        return "；".join(f"{header}：{reason}" if header else reason for header, reason in self.problems)


def build_error_file(rows: list[FailedRow], layout: Layout) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = layout.sheet_name
    cols = layout.columns
    write_header(sheet, (*cols, _REASON))
    reason_cell = sheet.cell(row=1, column=len(cols) + 1)
    reason_cell.font, reason_cell.fill = Font(bold=True, color="C00000"), HEADER_FILL
    for offset, row in enumerate(rows, start=2):
        bad = {header for header, _ in row.problems}
        for index, column in enumerate(cols, start=1):
            value = row.values.get(column.field, "")
            cell = sheet.cell(row=offset, column=index, value=value or None)
            cell.number_format = "@"
            if value:
                cell.data_type = "s"  # text typed as "=..." stays text: never a formula in a file we hand out
            if column.header in bad or (column.group is not None and column.group in bad):
                cell.fill = _BAD_CELL
        sheet.cell(row=offset, column=len(cols) + 1, value=row.reason).alignment = Alignment(wrap_text=True)
    return save(workbook)


def error_file_name(uploaded: str, fallback: str) -> str:
    """名单.xlsx → 名单_错误行.xlsx; a re-uploaded error file that fails again keeps that name (no _错误行_错误行)."""
    name = uploaded.replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem.strip().removesuffix(ERROR_SUFFIX) or fallback}{ERROR_SUFFIX}.xlsx"
