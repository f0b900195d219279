"""The error file: only the rows that were not imported, as typed, with the reason in the last column.

It has the template's headers, so the person fixes it and uploads it again as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from handlers.experts.expert_import.columns import COLUMNS, ERROR_HEADER, SHEET_NAME, Column
from handlers.forms.sheet import HEADER_FILL, save, write_header

_BAD_CELL = PatternFill("solid", fgColor="FFC7CE")
_REASON = Column("error", ERROR_HEADER, False, None, 50, "")


@dataclass(frozen=True)
class FailedRow:
    number: int
    values: dict[str, str]
    problems: tuple[tuple[str, str], ...]  # (column header, reason)

    @property
    def reason(self) -> str:
        return "；".join(f"{header}：{reason}" if header else reason for header, reason in self.problems)


def build_error_file(rows: list[FailedRow]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = SHEET_NAME
    write_header(sheet, (*COLUMNS, _REASON))
    reason_cell = sheet.cell(row=1, column=len(COLUMNS) + 1)
    reason_cell.font, reason_cell.fill = Font(bold=True, color="C00000"), HEADER_FILL
    for offset, row in enumerate(rows, start=2):
        bad = {header for header, _ in row.problems}
        for index, column in enumerate(COLUMNS, start=1):
            value = row.values.get(column.field, "")
            cell = sheet.cell(row=offset, column=index, value=value or None)
            cell.number_format = "@"
            if value:
                cell.data_type = "s"  # text typed as "=..." stays text: never a formula in a file we hand out
            if column.header in bad:
                cell.fill = _BAD_CELL
        sheet.cell(row=offset, column=len(COLUMNS) + 1, value=row.reason).alignment = Alignment(wrap_text=True)
    return save(workbook)
