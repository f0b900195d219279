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
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from handlers.forms.check import FieldError, check
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
    group: str | None = None  # a group slot's column: the group's header (an error of the whole group marks it)

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
        if f.type == "group" and c.repeat:
            # One slot of columns per item, named as the item's errors are (work_history[0].started_on).
            for slot in range(c.repeat):
                for g in f.fields or ():
                    if g.column is not None:
                        required = f.required and slot == 0 and g.required and g.when is None
                        one = _column(g, f"{f.name}[{slot}].{g.name}", f"{c.header}{slot + 1}{g.column.header}")
                        out.append(dataclasses.replace(one, required=required, group=c.header))
            continue
        out.append(_column(f, f.name, c.header))
    return tuple(out)


def _column(f: Field, key: str, header: str) -> SheetColumn:
    c = f.column
    assert c is not None
    limits = {"max_length": f.max_length, "max_items": f.max_items, "item_max": c.list_item_max}
    note = c.note.format(**limits)
    required = f.required and f.when is None
    return SheetColumn(key, header, required, f.max_length or c.list_item_max, c.width, note)


def field_at(form: Form, key: str) -> Field:
    """The field a column stands for: `name`, or a group slot's `group[i].name`."""
    if "[" not in key:
        return form.field(key)
    group, rest = key.split("[", 1)
    name = rest.split("].", 1)[1]
    return next(g for g in form.field(group).fields or () if g.name == name)


def check_row(
    form: Form, cells: dict[str, str], fields: tuple[str, ...], today: date
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The text cells named by `fields`, checked with the form's rules: (clean values, [(header, message)])."""
    chosen: tuple[Field, ...] = tuple(f for f in form.fields if f.name in fields)
    sub = dataclasses.replace(form, fields=chosen, rules=())
    clean, errors = check(sub, {name: cells.get(name, "") for name in fields}, Context(today))
    headers = {f.name: (f.column.header if f.column else f.label) for f in chosen}
    return clean, [(headers[e.field], e.message) for e in errors]


def body_of(form: Form, cells: dict[str, str]) -> tuple[dict[str, Any], list[FieldError]]:
    """A row's cells as the JSON the form's page sends (choices by label or value, dates as typed or as Excel
    dates, money in yuan, 是/否, list items one per line or between semicolons, a group's slots up to the last
    filled one), with an error for a cell that cannot be read as its field at all. The form then checks the
    body exactly as it checks the page's (`check`), so a row and a page get the same errors."""
    body: dict[str, Any] = {}
    errors: list[FieldError] = []
    for f in form.fields:
        if f.column is None:
            continue
        if f.type == "group" and f.column.repeat:
            slots: list[dict[str, Any]] = []
            for slot in range(f.column.repeat):
                prefix = f"{f.name}[{slot}]."
                texts = {g.name: cells.get(prefix + g.name, "") for g in f.fields or () if g.column is not None}
                slots.append(_values(f.fields or (), texts, prefix, errors) if any(texts.values()) else {})
            while slots and not slots[-1]:
                slots.pop()  # an empty slot before a filled one stays, so its errors name its columns
            body[f.name] = slots
            continue
        body.update(_values((f,), cells, "", errors))
    return body, errors


def _values(fields: tuple[Field, ...], cells: dict[str, str], prefix: str, errors: list[FieldError]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields:
        if f.column is None:
            continue
        text = cells.get(f.name, "")
        if f.type == "boolean" and text.strip() == "":
            continue  # not sent: the form's default
        out[f.name] = _value(f, text, prefix + f.name, errors)
    return out


_TRUE = frozenset({"是", "true", "True", "TRUE", "1", "Y", "y"})
_FALSE = frozenset({"否", "false", "False", "FALSE", "0", "N", "n"})
_SEPARATORS = "\n；;"


def _value(f: Field, text: str, key: str, errors: list[FieldError]) -> Any:  # noqa: PLR0911 - one branch per type
    text = text.strip()
    if f.type in LIST_TYPES:
        for separator in _SEPARATORS[1:]:
            text = text.replace(separator, _SEPARATORS[0])
        return [t.strip() for t in text.split(_SEPARATORS[0]) if t.strip()]
    if f.type == "boolean":
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        return _unreadable(f, key, errors, None)
    if text == "":
        return None if f.type in ID_TYPES or f.type == "date" else ""
    if f.type == "choice" and f.choices is not None:
        return next((value for value, label in f.choices if text in (value, label)), text)
    if f.type == "date":
        # An Excel date cell reads as 2024-01-01T00:00:00; people also type 2024/1/1 or 2024.1.1.
        parts = text.split("T", 1)[0].replace("/", "-").replace(".", "-").split("-")
        try:
            return date(*(int(p) for p in parts)).isoformat() if len(parts) == 3 else _unreadable(f, key, errors, None)
        except ValueError:
            return _unreadable(f, key, errors, None)
    if f.type in ID_TYPES:
        try:
            number = Decimal(text.replace(",", "")) * f.scale
        except InvalidOperation:
            return _unreadable(f, key, errors, None)
        if not number.is_finite() or number != number.to_integral_value() or abs(number) > f.limit:
            return _unreadable(f, key, errors, None)
        return int(number)
    return text


def _unreadable(f: Field, key: str, errors: list[FieldError], value: Any) -> Any:
    code, message = f.error("format")
    errors.append(FieldError(key, code, message))
    return value


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
    for index, column in enumerate(columns(form), start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index).comment = Comment(column.note, author)
        rule = cell_rule(field_at(form, column.field), column)
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
        # The labels, as the person reads them (the import takes a label or the value).
        rule = DataValidation(type="list", formula1='"' + ",".join(label for _, label in f.choices) + '"')
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
