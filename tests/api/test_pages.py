"""The REST pages end to end over HTTP: lists with pages, detail pages, what staff add to an expert's page,
and the Excel import of experts (template, report, error file, re-upload)."""

from __future__ import annotations

import io
from typing import Any, cast

from aiohttp import FormData
from aiohttp.test_utils import TestClient
from openpyxl import load_workbook

from handlers.clock import ManualClock
from handlers.experts.expert_import.columns import ERROR_HEADER, SHEET_NAME
from miniapp_api.app import OPENAPI
from tests.api.conftest import HEADERS, Institution, World, bearer, build_institution, xlsx
from tests.api.openapi_check import problems, response_schema
from tests.organisation.conftest import Org

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _admin(org: Org) -> tuple[World, Institution, dict[str, dict[str, str]]]:
    world = World(org)
    x = await build_institution(
        org, 1, region="330106", enterprise_name="杭州云栖智能传感科技有限公司", phone_prefix="1371111"
    )
    tokens = {
        "admin": bearer(await world.token(x.admin)),
        "staff": bearer(await world.token(x.staff_account)),
        "system": bearer(await world.token(org.admin_id)),
    }
    return world, x, tokens


async def _ok(response: Any, status: int = 200) -> Any:
    """The response's JSON, after checking the status and that the body matches the served document."""
    assert response.status == status, await response.text()
    body = await response.json()
    route = response.request_info.url.path.removeprefix("/api/v1")
    template = _template(response.method, route)
    assert problems(response_schema(response.method, template, str(status)), body) == []
    return body


def _template(method: str, path: str) -> str:
    """The documented path template the request matched; a literal segment wins over a {parameter}."""
    paths = cast(dict[str, Any], OPENAPI["paths"])
    candidates = [t for t in paths if method.lower() in paths[t] and _matches(t, path)]
    assert candidates, f"no documented route for {method} {path}"
    return min(candidates, key=lambda t: t.count("{"))


def _matches(template: str, path: str) -> bool:
    ours, theirs = template.strip("/").split("/"), path.strip("/").split("/")
    return len(ours) == len(theirs) and all(a == b or a.startswith("{") for a, b in zip(ours, theirs, strict=True))


async def test_lists_are_paginated(api: TestClient[Any, Any], org: Org) -> None:
    _world, x, tokens = await _admin(org)
    for n in range(3):
        await _ok(
            await api.post(
                f"/api/v1/institutions/{x.id}/experts",
                headers=tokens["admin"],
                json={"name": f"分页专家{n}", "mobile": f"1378888000{n}"},
            ),
            201,
        )
    first = await _ok(await api.get("/api/v1/experts?page=1&page_size=3", headers=tokens["admin"]))
    second = await _ok(await api.get("/api/v1/experts?page=2&page_size=3", headers=tokens["admin"]))
    assert (first["total"], first["page"], first["page_size"], len(first["items"])) == (4, 1, 3, 3)
    assert [e["name"] for e in first["items"] + second["items"]] == ["分页专家2", "分页专家1", "分页专家0", "专家1"]
    bad = await api.get("/api/v1/experts?page=zero", headers=tokens["admin"])
    assert bad.status == 422 and (await bad.json())["error"]["code"] == "invalid_page"


async def test_organisation_pages(api: TestClient[Any, Any], org: Org) -> None:
    _world, x, tokens = await _admin(org)
    edited = await _ok(
        await api.patch(
            f"/api/v1/institutions/{x.id}",
            headers=tokens["admin"],
            json={"introduction": "专注新材料成果转化", "service_types": ["incubation"]},
        )
    )
    assert edited["changed"] == ["introduction", "service_types"]
    page = await _ok(await api.get(f"/api/v1/institutions/{x.id}", headers=tokens["staff"]))
    assert (page["introduction"], page["admin_name"], page["centres"], page["staff"]) == (
        "专注新材料成果转化",
        "林管理",
        1,
        2,
    )
    centre = await _ok(await api.get(f"/api/v1/centres/{x.centre}", headers=tokens["admin"]))
    assert centre["centre"]["admins"] == ["主任1"] and centre["staff"] == 2
    member = await _ok(await api.get(f"/api/v1/staff/{x.staff_member}", headers=tokens["staff"]))
    assert (member["name"], member["centre_name"], member["centre_admin"]) == ("技转1", "分中心1", False)
    created = await _ok(
        await api.post(
            "/api/v1/officials",
            headers=tokens["system"],
            json={"name": "赵局长", "mobile": "13766660001", "region_code": "330100"},
        ),
        201,
    )
    assert created["level"] == "city"
    officials = await _ok(await api.get("/api/v1/officials", headers=tokens["system"]))
    assert [(o["name"], o["region_code"]) for o in officials["items"]] == [("赵局长", "330100")]
    document = await _ok(await api.get("/api/v1/openapi.json"))
    assert "/experts/{expert_id}" in document["paths"] and "/institutions" in document["paths"]


async def test_staff_add_to_an_expert_page(api: TestClient[Any, Any], org: Org) -> None:
    _world, x, tokens = await _admin(org)
    staff = tokens["staff"]
    await _ok(
        await api.post(
            f"/api/v1/experts/{x.expert}/research-results",
            headers=staff,
            json={"title": "高强度铝合金制备工艺", "summary": "已授权发明专利"},
        ),
        201,
    )
    await _ok(
        await api.post(
            f"/api/v1/experts/{x.expert}/technical-solutions",
            headers=tokens["admin"],
            json={"title": "轻量化车身解决方案"},
        ),
        201,
    )
    await _ok(
        await api.post(
            f"/api/v1/expert-links/{x.link}/follow-ups",
            headers=staff,
            json={"kind": "phone", "occurred_at": "2026-11-23T07:00:00+00:00", "content": "约定下周到企业交流"},
        ),
        201,
    )
    page = await _ok(await api.get(f"/api/v1/experts/{x.expert}", headers=staff))
    assert [r["title"] for r in page["research_results"]] == ["高强度铝合金制备工艺"]
    assert [s["title"] for s in page["technical_solutions"]] == ["轻量化车身解决方案"]
    [link] = page["links"]
    assert [(f["kind"], f["content"], f["staff_name"]) for f in link["follow_ups"]] == [
        ("phone", "约定下周到企业交流", "技转1"),
        ("visit", "机构1的拜访记录", "技转1"),
    ]
    empty = await api.post(f"/api/v1/experts/{x.expert}/research-results", headers=staff, json={"title": " "})
    assert empty.status == 422 and (await empty.json())["error"]["message"] == "请填写科研成果名称"


async def test_enterprise_page_with_contacts(api: TestClient[Any, Any], org: Org) -> None:
    _world, x, tokens = await _admin(org)
    added = await _ok(
        await api.post(
            f"/api/v1/institutions/{x.id}/enterprises",
            headers=tokens["staff"],
            json={"full_name": "杭州西溪新材料有限公司"},
        ),
        201,
    )
    await _ok(
        await api.post(
            f"/api/v1/enterprises/{added['enterprise_id']}/contacts",
            headers=tokens["staff"],
            json={"name": "刘经理", "position": "技术总监", "phone": "0571-87654321"},
        ),
        201,
    )
    page = await _ok(await api.get(f"/api/v1/enterprises/{added['enterprise_id']}", headers=tokens["admin"]))
    assert (page["name"], page["region_code"]) == ("杭州西溪新材料有限公司", "330106")
    assert page["established_on"] == "2012-03-02"
    assert [(c["name"], c["phone"]) for c in page["contacts"]] == [("刘经理", "0571-87654321")]
    listed = await _ok(await api.get("/api/v1/enterprises", headers=tokens["admin"]))
    assert listed["total"] == 2


def _upload(content: bytes, name: str = "专家名单.xlsx") -> FormData:
    form = FormData()
    form.add_field("file", io.BytesIO(content), filename=name, content_type=XLSX)
    return form


async def test_expert_import_over_http(api: TestClient[Any, Any], org: Org) -> None:
    _world, x, tokens = await _admin(org)
    admin = tokens["admin"]
    template = await api.get("/api/v1/expert-imports/template", headers=admin)
    assert template.status == 200 and template.content_type == XLSX
    assert template.headers["Content-Disposition"] == (
        'attachment; filename="experts.xlsx"; '
        "filename*=UTF-8''%E4%B8%93%E5%AE%B6%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    )  # 专家导入模板.xlsx, with an ASCII name for clients without RFC 5987
    sheet = load_workbook(io.BytesIO(await template.read()))[SHEET_NAME]
    assert [c.value for c in sheet[1]] == HEADERS

    rows: list[list[object]] = [[f"导入专家{n}", f"1399999{n:04d}"] for n in range(20)]
    rows[3][1] = "0571-8888"  # a landline
    rows[7][0] = None  # no name
    report = await _ok(
        await api.post(f"/api/v1/institutions/{x.id}/expert-imports", headers=admin, data=_upload(xlsx(rows)))
    )
    assert (report["imported"], report["failed"]) == (18, 2)
    assert report["errors"] == [
        {"row": 5, "column": "手机号", "reason": "请输入正确的手机号码"},
        {"row": 9, "column": "姓名", "reason": "请填写专家姓名"},
    ]
    errors = await api.get(report["error_file_url"], headers=admin)
    assert errors.status == 200 and errors.content_type == XLSX
    failed = load_workbook(io.BytesIO(await errors.read()))[SHEET_NAME]
    values = [[c.value for c in row] for row in failed.iter_rows()]
    assert values[0][-1] == ERROR_HEADER and len(values) == 3  # the header and the two failing rows only

    # Fixed in the error file itself and uploaded again: the rest come in, nothing twice.
    fixed = load_workbook(io.BytesIO(await errors.read()))
    fixed[SHEET_NAME]["B2"] = "13999990003"
    fixed[SHEET_NAME]["A3"] = "导入专家7"
    buffer = io.BytesIO()
    fixed.save(buffer)
    again = await _ok(
        await api.post(
            f"/api/v1/institutions/{x.id}/expert-imports",
            headers=admin,
            data=_upload(buffer.getvalue(), "专家名单_错误行.xlsx"),
        )
    )
    assert (again["imported"], again["failed"], again["error_file_url"]) == (2, 0, None)
    listed = await _ok(await api.get("/api/v1/experts?page_size=100", headers=admin))
    assert listed["total"] == 21


async def test_expert_import_refuses_bad_files(api: TestClient[Any, Any], org: Org) -> None:
    world, x, tokens = await _admin(org)
    admin = tokens["admin"]
    path = f"/api/v1/institutions/{x.id}/expert-imports"
    cases = (
        (_upload(b"%PDF-1.7\n" + b"0" * 100, "名单.xlsx"), 415, "unsupported_file_type"),
        (_upload(b"PK\x03\x04" + b"0" * (5 * 1024 * 1024)), 413, "file_too_large"),
        (FormData({"other": "x"}), 422, "file_missing"),
    )
    for data, status, code in cases:
        response = await api.post(path, headers=admin, data=data)
        assert response.status == status and (await response.json())["error"]["code"] == code
    no_body = await api.post(path, headers=admin, json={})
    assert no_body.status == 422 and (await no_body.json())["error"]["code"] == "file_missing"
    # Another institution's admin cannot fetch this institution's error file, even with its id.
    report = await _ok(await api.post(path, headers=admin, data=_upload(xlsx([["坏", "123"]]))))
    y = await build_institution(
        org, 2, region="330114", enterprise_name="杭州钱塘半导体装备有限公司", phone_prefix="1372222"
    )
    other = bearer(await world.token(y.admin))
    stolen = await api.get(report["error_file_url"], headers=other)
    assert stolen.status == 403
    own_path = f"/api/v1/institutions/{y.id}/expert-imports/{report['import_id']}/error-file"
    assert (await api.get(own_path, headers=other)).status == 404


async def test_filters_narrow_the_scope_and_never_widen_it(api: TestClient[Any, Any], org: Org) -> None:
    _world, x, tokens = await _admin(org)
    y = await build_institution(
        org, 2, region="330114", enterprise_name="杭州钱塘半导体装备有限公司", phone_prefix="1372222"
    )
    second = await _ok(
        await api.post(
            f"/api/v1/institutions/{x.id}/centres",
            headers=tokens["admin"],
            json={"name": "第二中心", "region_code": "330114"},
        ),
        201,
    )
    await _ok(
        await api.post(
            f"/api/v1/centres/{second['centre_id']}/staff",
            headers=tokens["admin"],
            json={"name": "新人", "mobile": "13788880101", "position": "技术经理"},
        ),
        201,
    )
    by_centre = await _ok(await api.get(f"/api/v1/staff?centre_id={second['centre_id']}", headers=tokens["admin"]))
    assert [s["name"] for s in by_centre["items"]] == ["新人"]
    system = await _ok(await api.get(f"/api/v1/centres?institution_id={y.id}", headers=tokens["system"]))
    assert [c["centre_id"] for c in system["items"]] == [y.centre]
    # Naming another institution's centre or institution shows nothing more than the scope holds.
    assert (await _ok(await api.get(f"/api/v1/staff?centre_id={y.centre}", headers=tokens["admin"])))["total"] == 0
    assert (await _ok(await api.get(f"/api/v1/centres?institution_id={y.id}", headers=tokens["admin"])))["total"] == 0
    bad = await api.get("/api/v1/centres?institution_id=abc", headers=tokens["admin"])
    assert bad.status == 422 and (await bad.json())["error"]["code"] == "invalid_query"


async def test_the_import_template_and_error_file_open_by_signed_links(
    api: TestClient[Any, Any], org: Org, clock: ManualClock
) -> None:
    """For DingTalk's own viewer, which sends no bearer token: a link asked for with the session opens without one
    for five minutes, the use case run again as the admin; nobody else gets one."""
    world, x, tokens = await _admin(org)
    admin = tokens["admin"]
    asked = await api.post("/api/v1/expert-imports/template/link", headers=admin)
    assert asked.status == 201
    link = (await asked.json())["url"]
    assert link.startswith("/api/v1/file-links/")
    opened = await api.get(link)  # no Authorization header
    assert opened.status == 200 and opened.content_type == XLSX
    assert "%E4%B8%93%E5%AE%B6%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx" in opened.headers["Content-Disposition"]
    assert [c.value for c in load_workbook(io.BytesIO(await opened.read()))[SHEET_NAME][1]] == HEADERS
    assert (await api.post("/api/v1/expert-imports/template/link", headers=tokens["staff"])).status == 403

    path = f"/api/v1/institutions/{x.id}/expert-imports"
    report = await _ok(
        await api.post(path, headers=admin, data=_upload(xlsx([["好专家", "13999990001"], ["坏", "1"]])))
    )
    errors_link = await api.post(report["error_file_url"] + "/link", headers=admin)
    assert errors_link.status == 201
    url = (await errors_link.json())["url"]
    failed = await api.get(url)
    assert failed.status == 200
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(await failed.read()))[SHEET_NAME].iter_rows()]
    assert rows[0][-1] == ERROR_HEADER and [r[0] for r in rows[1:]] == ["坏"]
    # Another institution's admin gets no link to it; a link runs out.
    y = await build_institution(
        org, 2, region="330114", enterprise_name="杭州钱塘半导体装备有限公司", phone_prefix="1372222"
    )
    other = bearer(await world.token(y.admin))
    assert (await api.post(report["error_file_url"] + "/link", headers=other)).status == 403
    clock.advance(301)
    expired = await api.get(url)
    assert expired.status == 404 and (await expired.json())["error"]["code"] == "file_link_expired"
