"""A row of the technology-manager spreadsheet, checked as the form checks the page: the cells become the JSON the
page would send (handlers.forms.sheet.body_of) and the form institutions use for their own managers
(MANAGER_ENTRY: the technology-manager form without the invitation code and the scans) checks it with every rule.
So a row gets exactly the errors — field, code and message — the form gives the same values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from handlers.forms.check import FieldError, check, read
from handlers.forms.declaration import Context
from handlers.forms.sheet import body_of, columns
from handlers.forms.workbook import Layout
from handlers.registration.manager_form import MANAGER_ENTRY, SHEET_NAME

MAX_IMPORT_ROWS = 1000  # each row starts a review with its cards: a city's managers, not a country's
COLUMNS = columns(MANAGER_ENTRY)
LAYOUT = Layout(SHEET_NAME, COLUMNS, MAX_IMPORT_ROWS)
_HEADERS = {c.field: c.header for c in COLUMNS}
_GROUP_HEADERS = {c.field.split("[", 1)[0]: c.group for c in COLUMNS if c.group is not None}


@dataclass(frozen=True)
class CheckedRow:
    values: dict[str, Any] | None  # the clean form values; None when the row has errors
    errors: tuple[FieldError, ...]


def header_of(field: str) -> str:
    """The column an error names: the cell's, a whole group's (工作经历), or the field's label."""
    if field in _HEADERS:
        return _HEADERS[field]
    if field in _GROUP_HEADERS:
        return _GROUP_HEADERS[field] or ""
    known = next((f for f in MANAGER_ENTRY.fields if f.name == field), None)
    return known.label if known is not None else ""


def check_row(cells: dict[str, str], today: date) -> CheckedRow:
    body, unreadable = body_of(MANAGER_ENTRY, cells)
    clean, errors = check(MANAGER_ENTRY, read(MANAGER_ENTRY, body), Context(today))
    # A cell that is no date or number at all reads as empty: its own error says so, not 「请填写」.
    bad = {e.field for e in unreadable}
    errors = [*unreadable, *(e for e in errors if e.field not in bad)]
    return CheckedRow(None if errors else clean, tuple(errors))
