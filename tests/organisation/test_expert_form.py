"""The expert form is declared once (handlers.experts.form): a limit changed there changes what adding an expert
refuses, what the pages are served, the import template's note and cell rule, and each imported row's check."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from handlers.errors import InvalidInput
from handlers.experts import add_expert as add_expert_module
from handlers.experts.add_expert import AddExpert, add_expert
from handlers.experts.expert_import import import_experts as import_module
from handlers.experts.expert_import import template as template_module
from handlers.experts.expert_import.columns import SHEET_NAME
from handlers.experts.expert_import.template import build_template
from handlers.experts.form import EXPERT
from handlers.forms.served import describe
from tests.organisation.conftest import Org, refused
from tests.organisation.test_expert_import import HEADERS, run, xlsx


@pytest.mark.parametrize("limit", [6, 40])
async def test_the_employer_limit_is_the_declarations_everywhere(
    org: Org, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    declared = EXPERT.replace("employer", max_length=limit)
    for module in (add_expert_module, template_module, import_module):
        monkeypatch.setattr(module, "EXPERT", declared)
    inst, admin = await org.institution()
    too_long = "单" * (limit + 1)

    # The server's answer.
    adding = add_expert(AddExpert(admin, inst, "李四", "13500000001", employer=too_long), org.uow)
    error = await refused(org.container, adding, InvalidInput, "field_too_long")
    assert error.message == f"工作单位不能超过{limit}个字"
    assert (await add_expert(AddExpert(admin, inst, "李四", "13500000001", employer="单" * limit), org.uow)).new_person

    # The served form.
    served = next(f for f in describe(declared)["fields"] if f["name"] == "employer")
    assert served["max_length"] == limit
    assert describe(declared)["json_schema"]["properties"]["employer"]["maxLength"] == limit

    # The template: the header's note and the cell rule.
    sheet = load_workbook(io.BytesIO(build_template()))[SHEET_NAME]
    column = HEADERS.index("工作单位") + 1
    cell = sheet.cell(row=1, column=column)
    assert cell.comment is not None and cell.comment.text == f"选填，不超过{limit}个字"
    letter = get_column_letter(column)
    rules = [dv for dv in sheet.data_validations.dataValidation if str(dv.sqref).startswith(f"{letter}2:")]
    assert [(dv.type, dv.formula1) for dv in rules] == [("textLength", str(limit))]

    # The import's row check.
    row = ["王五", "13500000002", too_long, None, None, None, None, None, None]
    result = await run(org, inst, admin, xlsx([row]))
    assert result.failed == 1
    assert [(e.column, e.reason) for e in result.errors] == [("工作单位", f"工作单位不能超过{limit}个字")]
