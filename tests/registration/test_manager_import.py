"""The technology-manager batch import (issue 17 item 7, seed 001 §一(三)): every rule of seed 001 §二 gives the
same error — field and code — through the form and through a row of the Excel template; the rows that pass are
bound to the institution and go to the city's review; the report, the error file and a second upload of the same
file are the expert import's."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient
from openpyxl import load_workbook

from bot.bootstrap import Container
from handlers.errors import InvalidInput
from handlers.forms.check import check, read
from handlers.forms.declaration import Context
from handlers.forms.workbook import ERROR_HEADER, read_rows
from handlers.registration.manager_form import MANAGER, MAX_SEGMENTS, SHEET_NAME
from handlers.registration.manager_import_rows import COLUMNS, LAYOUT, check_row
from handlers.registration.manager_import_template import build_manager_template
from tests.organisation.conftest import Org
from tests.registration.conftest import register
from tests.registration.manager_values import id_number, manager_xlsx, valid_form
from tests.registration.test_manager_flow import Bench, cards_to

TODAY = date(2026, 11, 23)
BOUND = {"invitation_code": "ABCD2345"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def segment(start: str, end: str) -> dict[str, str]:
    return {"started_on": start, "ended_on": end, "employer": "某机构", "duty": "技术转移"}


def project(**changes: Any) -> dict[str, Any]:
    return {**valid_form()["projects"][0], **changes}


THREE = [segment("2020-01-01", "2020-06-30"), segment("2021-01-01", "2021-06-30"), segment("2022-01-01", "2022-01-31")]
# (case, the form's changes, the field the error names — None: the boundary value, accepted)
CASES: list[tuple[str, dict[str, Any], str | None]] = [
    ("title junior", {"title_level": "junior"}, "title_level"),
    ("title intermediate", {"title_level": "intermediate"}, None),
    ("no work segment", {"work_history": []}, "work_history"),
    ("three work segments", {"work_history": THREE}, None),
    ("one day short of a year", {"work_history": [segment("2025-01-02", "2026-01-01")]}, "work_history"),
    ("exactly a year", {"work_history": [segment("2025-01-01", "2026-01-01")]}, None),
    (
        "two halves short",
        {"work_history": [segment("2023-01-01", "2023-07-02"), segment("2024-01-01", "2024-07-01")]},
        "work_history",
    ),
    ("segment reversed", {"work_history": [segment("2026-01-01", "2024-01-01")]}, "work_history"),
    ("segment ends tomorrow", {"work_history": [segment("2025-11-23", "2026-11-24")]}, "work_history"),
    ("segment ends today", {"work_history": [segment("2025-11-23", "2026-11-23")]}, None),
    (
        "segment without end",
        {"work_history": [{**segment("2024-01-01", "2025-01-01"), "ended_on": ""}]},
        "work_history[0].ended_on",
    ),
    ("no project", {"projects": []}, "projects"),
    ("project 1001 characters", {"projects": [project(content="字" * 1001)]}, "projects[0].content"),
    ("project 1000 characters", {"projects": [project(content="字" * 1000)]}, None),
    ("project without amount", {"projects": [project(amount_fen=None)]}, "projects[0].amount_fen"),
    ("project amount negative", {"projects": [project(amount_fen=-100)]}, "projects[0].amount_fen"),
    ("project amount zero", {"projects": [project(amount_fen=0)]}, None),
    ("project without role", {"projects": [project(role="")]}, "projects[0].role"),
    ("project without source", {"projects": [project(source="")]}, "projects[0].source"),
    ("project without landing", {"projects": [project(landing="", landing_province="")]}, "projects[0].landing"),
    ("domestic without province", {"projects": [project(landing_province="")]}, "projects[0].landing_province"),
    ("unknown province", {"projects": [project(landing_province="火星")]}, "projects[0].landing_province"),
    (
        "abroad without country",
        {"projects": [project(landing="abroad", landing_province="")]},
        "projects[0].landing_country",
    ),
    (
        "abroad with country",
        {"projects": [project(landing="abroad", landing_province="", landing_country="德国")]},
        None,
    ),
    ("second project incomplete", {"projects": [project(), project(role="")]}, "projects[1].role"),
    ("promotion 1001", {"promotion": "宣" * 1001}, "promotion"),
    ("promotion 1000", {"promotion": "宣" * 1000}, None),
    ("promotion empty", {"promotion": ""}, "promotion"),
    ("six awards", {"awards": [f"奖励{i}" for i in range(6)]}, "awards"),
    ("five awards", {"awards": [f"奖励{i}" for i in range(5)]}, None),
    ("training empty", {"training": ""}, "training"),
    ("training none", {"training": "无"}, None),
    ("ID number 17 characters", {"id_number": "11010519800101001"}, "id_number"),
    ("ID number with a letter", {"id_number": "1101051980010100A1"}, "id_number"),
    ("ID number 30 February", {"id_number": id_number("11010519800230001")}, "id_number"),
    ("ID number born tomorrow", {"id_number": id_number("11010520261124001")}, "id_number"),
    ("ID number wrong check", {"id_number": id_number()[:17] + ("0" if id_number()[17] != "0" else "1")}, "id_number"),
    ("ID number born today", {"id_number": id_number("11010520261123001")}, None),
    ("ID number lower-case x", {"id_number": "11010519491231002x"}, None),
    ("mobile too short", {"mobile": "1234"}, "mobile"),
    ("gender unknown", {"gender": "x"}, "gender"),
    ("political status empty", {"political_status": ""}, "political_status"),
    ("education empty", {"education": ""}, "education"),
    ("name 65 characters", {"name": "名" * 65}, "name"),
    ("name 64 characters", {"name": "名" * 64}, None),
]


def form_errors(changes: dict[str, Any]) -> list[tuple[str, str]]:
    """What the page's form answers (the bound manager's: the scans are an individual's)."""
    _, errors = check(MANAGER, read(MANAGER, valid_form(**BOUND, **changes)), Context(TODAY))
    return [(e.field, e.code) for e in errors]


@pytest.mark.parametrize(("changes", "field"), [(c, f) for _, c, f in CASES], ids=[n for n, _, _ in CASES])
def test_a_row_gets_the_errors_the_form_gives(changes: dict[str, Any], field: str | None) -> None:
    expected = form_errors(changes)
    [row] = read_rows(manager_xlsx([valid_form(**changes)]), LAYOUT)
    checked = check_row(row.values, TODAY)
    assert [(e.field, e.code) for e in checked.errors] == expected
    if field is None:
        assert expected == [] and checked.values is not None
    else:
        assert [f for f, _ in expected] == [field]  # the error names the field


def test_the_template_is_the_form() -> None:
    workbook = load_workbook(io.BytesIO(build_manager_template()))
    assert workbook.sheetnames == [SHEET_NAME, "填写说明"]
    headers = [c.value for c in next(workbook[SHEET_NAME].iter_rows(max_row=1))]
    assert headers == [c.title for c in COLUMNS]
    assert "职称级别*" in headers and "工作经历1开始时间*" in headers and "典型项目1金额（元）*" in headers
    # No invitation code and no scans: the institution enters its own managers.
    assert not {"机构邀请码", "身份证扫描件", "职称证书扫描件"} & {str(h) for h in headers}
    # A fourth work segment has no columns: the template itself holds the work history to three.
    assert f"工作经历{MAX_SEGMENTS}开始时间" in headers and f"工作经历{MAX_SEGMENTS + 1}开始时间" not in headers
    level = next(v for v in workbook[SHEET_NAME].data_validations.dataValidation if v.formula1 and "中级" in v.formula1)
    assert level.formula1 == '"正高级,副高级,中级,初级"'


def test_unreadable_cells_say_so() -> None:
    good = manager_xlsx([valid_form()])
    workbook = load_workbook(io.BytesIO(good))
    sheet = workbook[SHEET_NAME]
    headers = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=headers.index("参加工作时间*") + 1, value="去年")
    sheet.cell(row=2, column=headers.index("典型项目1金额（元）*") + 1, value="五万")
    buffer = io.BytesIO()
    workbook.save(buffer)
    [row] = read_rows(buffer.getvalue(), LAYOUT)
    errors = check_row(row.values, TODAY).errors
    assert [(e.field, e.code) for e in errors] == [
        ("work_started_on", "invalid_field"),
        ("projects[0].amount_fen", "invalid_field"),
    ]
    assert errors[0].message == "参加工作时间格式有误"


async def upload(b: Bench, content: bytes, token: str | None = None) -> tuple[int, Any]:
    data = FormData()
    data.add_field("file", content, filename="经理人.xlsx", content_type=XLSX)
    return await b.call(
        "POST", f"/institutions/{b.institution}/technology-manager-imports", token or b.inst_token, data=data
    )


async def test_the_import_through_the_api(api: TestClient[Any, Any], org: Org, container: Container) -> None:
    b = Bench(api, org)
    await b.setup()
    # Every case a row of one file, each with its own person; the boundary rows are imported.
    forms = [
        valid_form(**{"mobile": f"1390001{n:04d}", "id_number": id_number(f"11010519800101{n + 100:03d}"), **changes})
        for n, (_, changes, _) in enumerate(CASES)
    ]
    status, report = await upload(b, manager_xlsx(forms))
    assert status == 200, report
    accepted = [n for n, (_, _, field) in enumerate(CASES) if field is None]
    assert report["imported"] == len(accepted) and report["failed"] == len(CASES) - len(accepted)
    by_row: dict[int, list[tuple[str, str]]] = {}
    for e in report["errors"]:
        by_row.setdefault(e["row"], []).append((e["field"], e["code"]))
    for n, (_, changes, field) in enumerate(CASES):
        if field is not None:
            body = {"mobile": forms[n]["mobile"], "id_number": forms[n]["id_number"], **changes}
            assert by_row[n + 2] == form_errors(body), CASES[n][0]
    first = next(e for e in report["errors"] if e["row"] == 2)
    assert first == {
        "row": 2,
        "column": "职称级别",
        "reason": "技术经理人须具有中级及以上职称",
        "field": "title_level",
        "code": "title_too_low",
    }

    # The imported managers are the institution's, already with the city; the city official has the cards.
    listed = await b.review_list("review")
    assert len(listed) == len(accepted)
    assert {(m["status"], m["stage"], m["bound"]) for m in listed} == {("pending", "市级审核", True)}
    city_cards = await cards_to(container, "dt-city")
    assert len(city_cards) == len(accepted) and city_cards[0]["chain_name"] == "技术经理人登记（机构录入）"
    assert await cards_to(container, "dt-inst") == []  # the institution entered them: no stage of its own

    # The error file: the failed rows as typed, the reason last, ready to fix and upload again.
    response = await api.get(report["error_file_url"], headers={"Authorization": f"Bearer {b.inst_token}"})
    assert response.status == 200 and response.content_type == XLSX
    assert response.headers["Content-Disposition"].startswith('attachment; filename="managers.xlsx"; filename*=UTF-8')
    sheet = load_workbook(io.BytesIO(await response.read()))[SHEET_NAME]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1] == ERROR_HEADER and len(rows) == 1 + report["failed"]
    assert rows[1][-1] == "职称级别：技术经理人须具有中级及以上职称"

    # The same file again duplicates nothing; a row of two people's ID number is refused by name.
    status, again = await upload(b, manager_xlsx(forms))
    assert (again["imported"], again["already_present"]) == (0, len(accepted))
    twice = [valid_form(mobile="13900020001"), valid_form(mobile="13900020002")]
    status, repeated = await upload(b, manager_xlsx(twice))
    assert [(e["row"], e["field"], e["code"]) for e in repeated["errors"]] == [(3, "id_number", "id_number_repeated")]
    assert repeated["errors"][0]["reason"] == "与第2行的身份证号重复"


async def test_only_the_institutions_admin_imports(api: TestClient[Any, Any], org: Org, container: Container) -> None:
    b = Bench(api, org)
    await b.setup()
    status, refused = await upload(b, manager_xlsx([valid_form()]), b.city_token)
    assert status == 403, refused
    status, empty = await upload(b, manager_xlsx([]))
    assert status == 422 and empty["error"]["code"] == "empty_spreadsheet"
    with pytest.raises(InvalidInput):
        read_rows(b"not a workbook", LAYOUT)


async def test_an_imported_manager_edits_and_resubmits_without_scans(
    api: TestClient[Any, Any], org: Org, container: Container
) -> None:
    b = Bench(api, org)
    await b.setup()
    status, report = await upload(b, manager_xlsx([valid_form(mobile="13700000071")]))
    assert report["imported"] == 1, report
    # The manager signs in with the row's mobile and finds the record the institution entered.
    token = (await register(api, container, "13700000071", "赵经理"))["token"]
    assert (await b.mine(token))["stage"] == "市级审核"
    [card] = await cards_to(container, "dt-city")
    status, returned = await b.call(
        "POST",
        f"/reviews/{card['review_id']}/decision",
        b.city_token,
        json={"stage": 0, "decision": "return", "reason": "请补充培训情况"},
    )
    assert status == 200, returned
    mine = await b.mine(token)
    assert (mine["status"], mine["bound"], mine["reason"]) == ("returned", True, "请补充培训情况")
    status, again = await b.call(
        "POST", "/technology-manager/registration", token, json=valid_form(mobile="13700000071", training="2025年培训")
    )
    assert status == 201, again
    assert again["status"] == "pending" and again["institution_id"] == b.institution
