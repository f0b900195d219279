"""A form imported in bulk: its spreadsheet columns and each row's checks, from the same declaration.

A column is a field with a `column`; the header is the column's, `*` marks a required field, the note (shown as
the header's comment and in the guide) is the column's template filled with the field's limits, and a text
field's length limit becomes the cell's validation. A row is checked with the form's own rules (`check`), every
column at once, each problem named by its header.
"""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from handlers.forms.check import check
from handlers.forms.declaration import ID_TYPES, LIST_TYPES, Context, Field, Form

REQUIRED_MARK = "*"


@dataclass(frozen=True)
class SheetColumn:
    field: str
    header: str  # without the required mark
    required: bool
    max_len: int | None  # characters, per item for list columns
    width: int
    note: str

    @property
    def title(self) -> str:
        """The header as the template writes it: required columns end with *."""
        return f"{self.header}{REQUIRED_MARK}" if self.required else self.header


def columns(form: Form) -> tuple[SheetColumn, ...]:
    out = []
    for f in form.fields:
        if f.column is None:
            continue
        c = f.column
        limits = {"max_length": f.max_length, "max_items": f.max_items, "item_max": c.list_item_max}
        note = c.note.format(**limits)
        out.append(SheetColumn(f.name, c.header, f.required, f.max_length or c.list_item_max, c.width, note))
    return tuple(out)


def check_row(
    form: Form, cells: dict[str, str], fields: tuple[str, ...], today: date
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The text cells named by `fields`, checked with the form's rules: (clean values, [(header, message)])."""
    chosen: tuple[Field, ...] = tuple(f for f in form.fields if f.name in fields)
    sub = dataclasses.replace(form, fields=chosen, rules=())
    clean, errors = check(sub, {name: cells.get(name, "") for name in fields}, Context(today))
    headers = {f.name: (f.column.header if f.column else f.label) for f in chosen}
    return clean, [(headers[e.field], e.message) for e in errors]


# --- the template ---

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FONT = Font(bold=True, color="C00000")
HEADER_FONT = Font(bold=True)
TEXT_FORMAT = "@"  # so Excel keeps a mobile number as typed instead of turning it into 1.38E+10
VALIDATED_ROWS = 5001  # Excel stores a range, so the file stays small


def build_template(form: Form) -> bytes:
    """A bare template of the form's columns (a feature may add its guide and reference sheets, as the expert
    import does through `write_columns`)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = form.sheet.name if form.sheet is not None else form.title
    write_columns(sheet, form)
    return save(workbook)


def write_columns(sheet: Worksheet, form: Form, *, author: str = "科转") -> None:
    """The header row (required columns marked), widths, text format, each column's note as the header's comment
    and each field's limits as the cell rule Excel shows while typing (the import checks again anyway)."""
    write_header(sheet, columns(form))
    by_name = {f.name: f for f in form.fields}
    for index, column in enumerate(columns(form), start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index).comment = Comment(column.note, author)
        rule = cell_rule(by_name[column.field], column)
        if rule is not None:
            sheet.add_data_validation(rule)
            rule.add(f"{letter}2:{letter}{VALIDATED_ROWS}")


def write_header(sheet: Worksheet, cols: tuple[SheetColumn, ...]) -> None:
    """The header row, widths, text format for every column, and the header frozen while scrolling."""
    for index, column in enumerate(cols, start=1):
        cell = sheet.cell(row=1, column=index, value=column.title)
        cell.font = REQUIRED_FONT if column.required else HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        dimension.number_format = TEXT_FORMAT
    sheet.freeze_panes = "A2"


def save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def cell_rule(f: Field, column: SheetColumn) -> DataValidation | None:
    """The cell rule Excel shows while typing, from the field's limits (None when a cell cannot express them)."""
    if f.type == "mobile":
        rule = DataValidation(type="textLength", operator="between", formula1="11", formula2="14")
        error = "请输入11位手机号码"
    elif f.choices is not None:
        rule = DataValidation(type="list", formula1='"' + ",".join(v for v, _ in f.choices) + '"')
        error = f.error("choice")[1]
    elif f.type in ID_TYPES and f.minimum is not None and f.maximum is not None:
        rule = DataValidation(type="whole", operator="between", formula1=str(f.minimum), formula2=str(f.maximum))
        error = f"{column.header}应在{f.minimum}到{f.maximum}之间"
    elif f.max_length is not None and f.type not in LIST_TYPES and f.type not in ID_TYPES:
        rule = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(f.max_length))
        error = f"{column.header}不能超过{f.max_length}个字"
    else:
        return None  # list cells: the limit is per item, which a cell rule cannot express
    rule.allow_blank = True
    rule.showErrorMessage = True
    rule.errorTitle = (
        f"{column.header}过长" if rule.type == "textLength" and f.type != "mobile" else f"{column.header}有误"
    )
    rule.error = error
    rule.showInputMessage = True
    rule.promptTitle = column.header
    rule.prompt = column.note[:255]
    return rule
