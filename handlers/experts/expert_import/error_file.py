"""The expert import's error file: the forms' error file (handlers.forms.workbook) with the expert layout."""

from __future__ import annotations

from handlers.experts.expert_import.sheet import layout
from handlers.forms.workbook import FailedRow
from handlers.forms.workbook import build_error_file as build

__all__ = ["FailedRow", "build_error_file"]


def build_error_file(rows: list[FailedRow]) -> bytes:
    return build(rows, layout())
