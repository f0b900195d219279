"""The spreadsheet's columns, shared by the template, the reader and the error file: the expert form's
(handlers.experts.form), so a row passes here exactly when the same values would pass the form.
"""

from __future__ import annotations

from handlers.experts.form import EXPERT, FIELDS_SHEET_NAME, SHEET_NAME
from handlers.forms.sheet import REQUIRED_MARK, SheetColumn, columns
from handlers.forms.workbook import ERROR_HEADER, header_key

Column = SheetColumn
GUIDE_SHEET_NAME = "填写说明"
WORK_SEPARATORS = "\n；;"

COLUMNS: tuple[Column, ...] = columns(EXPERT)
BY_HEADER = {c.header: c for c in COLUMNS}
__all__ = ["ERROR_HEADER", "FIELDS_SHEET_NAME", "REQUIRED_MARK", "SHEET_NAME", "header_key"]
