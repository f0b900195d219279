"""Reading an uploaded expert workbook: the forms' reader (handlers.forms.workbook) with the expert layout."""

from __future__ import annotations

from handlers.experts.expert_import.columns import COLUMNS, SHEET_NAME
from handlers.experts.expert_import.template import MAX_IMPORT_ROWS
from handlers.forms.workbook import Layout, SheetRow
from handlers.forms.workbook import read_rows as read_sheet

__all__ = ["MAX_IMPORT_ROWS", "SheetRow", "layout", "read_rows"]


def layout() -> Layout:
    # Read at each call: the row limit is this module's (a test lowers it).
    return Layout(SHEET_NAME, COLUMNS, MAX_IMPORT_ROWS)


def read_rows(content: bytes) -> list[SheetRow]:
    return read_sheet(content, layout())
