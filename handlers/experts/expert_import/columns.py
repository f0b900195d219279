"""The spreadsheet's columns, shared by the template, the reader and the error file: the expert form's
(handlers.experts.form), so a row passes here exactly when the same values would pass the form.
"""

from __future__ import annotations

from handlers.experts.form import EXPERT, FIELDS_SHEET_NAME, SHEET_NAME
from handlers.forms.sheet import REQUIRED_MARK, SheetColumn, columns

Column = SheetColumn
GUIDE_SHEET_NAME = "填写说明"
ERROR_HEADER = "错误原因"
WORK_SEPARATORS = "\n；;"

COLUMNS: tuple[Column, ...] = columns(EXPERT)
BY_HEADER = {c.header: c for c in COLUMNS}
__all__ = ["FIELDS_SHEET_NAME", "REQUIRED_MARK", "SHEET_NAME"]


def header_key(value: object) -> str:
    """A header cell as a column name: spaces and the required mark (half or full width) dropped."""
    text = "" if value is None else str(value)
    return "".join(text.split()).rstrip("*＊")
