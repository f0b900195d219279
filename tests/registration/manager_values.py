"""A valid technology-manager form (seed 001 §二), as the page sends it, and valid ID numbers for tests."""

from __future__ import annotations

from typing import Any

from handlers.registration.manager_id_number import check_character


def id_number(first17: str = "11010519800101001") -> str:
    return first17 + check_character(first17)


def valid_form(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "invitation_code": "",
        "name": "赵经理",
        "gender": "female",
        "political_status": "masses",
        "work_started_on": "2010-07-01",
        "mobile": "13900000077",
        "id_number": id_number(),
        "education": "master",
        "school": "北京理工大学",
        "major": "材料科学",
        "title_name": "工程师",
        "title_level": "intermediate",
        "certificate_name": "技术经纪人证书",
        "certificate_number": "JSJJ-2024-001",
        "certificate_issuer": "北京技术市场协会",
        "certificate_issued_on": "2024-03-01",
        "training": "无",
        "work_history": [
            {"started_on": "2024-01-01", "ended_on": "2024-12-31", "employer": "某技术转移中心", "duty": "成果转化"}
        ],
        "grassroots_willing": True,
        "projects": [
            {
                "name": "新材料成果转化",
                "content": "本人负责对接企业并促成许可。",
                "amount_fen": 5_000_000,
                "role": "项目负责人",
                "source": "北京理工大学",
                "landing": "domestic",
                "landing_province": "河北省",
            }
        ],
        "promotion": "无",
        "awards": [],
    }
    values.update(changes)
    return values


def manager_cells(form: dict[str, Any]) -> dict[str, str]:
    """The form's JSON as a person types it into the import template: header → cell text (choices by label, the
    amount in yuan, 是/否, one award a line, each work segment and project in its slot of columns)."""
    from handlers.forms.sheet import field_at
    from handlers.registration.manager_form import MANAGER_ENTRY
    from handlers.registration.manager_import_rows import COLUMNS

    cells: dict[str, str] = {}
    for column in COLUMNS:
        value: Any = form
        for part in column.field.replace("]", "").replace("[", ".").split("."):
            if isinstance(value, list):
                value = value[int(part)] if int(part) < len(value) else None
            elif isinstance(value, dict):
                value = value.get(part)
        field = field_at(MANAGER_ENTRY, column.field)
        if value is None or value == "":
            text = ""
        elif field.choices is not None:
            text = dict(field.choices).get(str(value), str(value))
        elif field.type == "boolean":
            text = "是" if value else "否"
        elif field.type == "money":
            text = str(value / field.scale) if value % field.scale else str(value // field.scale)
        elif isinstance(value, list):
            text = "\n".join(str(v) for v in value)
        else:
            text = str(value)
        cells[column.header] = text
    return cells


def manager_xlsx(forms: list[dict[str, Any]]) -> bytes:
    """A filled template: the data sheet's header and one row per form."""
    import io

    from openpyxl import Workbook

    from handlers.registration.manager_form import SHEET_NAME
    from handlers.registration.manager_import_rows import COLUMNS

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_NAME
    sheet.append([c.title for c in COLUMNS])
    for form in forms:
        cells = manager_cells(form)
        sheet.append([cells[c.header] or None for c in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
