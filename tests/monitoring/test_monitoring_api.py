"""The monitors over REST: scoped like every listing (a district official sees only their district), periods
checked with Chinese messages, drill-downs paginated, and the Excel file holding the page's numbers."""

from __future__ import annotations

import io
from typing import Any

from aiohttp.test_utils import TestClient
from openpyxl import load_workbook

from handlers.officials.create_official import CreateOfficial, create_official
from tests.api.conftest import World, bearer
from tests.monitoring.conftest import write_history
from tests.points.conftest import Points
from tests.policies import MEMBERSHIP

PERIOD = "from=2026-11-01&to=2026-11-30"


async def _tokens(p: Points) -> dict[str, str]:
    world = World(p.org)
    official = await create_official(
        CreateOfficial(p.org.admin_id, "赵局长", "13744440001", "330106"),
        p.org.uow,
        p.org.regions,
        membership=MEMBERSHIP,
    )
    city = await create_official(
        CreateOfficial(p.org.admin_id, "钱处长", "13744440002", "330100"),
        p.org.uow,
        p.org.regions,
        membership=MEMBERSHIP,
    )
    accounts = {
        "xihu": official.account_id,
        "hangzhou": city.account_id,
        "x_admin": p.x.admin,
        "x_staff": p.x.staff_account,
        "system": p.org.admin_id,
    }
    return {name: await world.token(account) for name, account in accounts.items()}


async def _get(api: TestClient[Any, Any], path: str, token: str) -> tuple[int, Any]:
    response = await api.get("/api/v1" + path, headers=bearer(token))
    return response.status, await response.json()


async def test_a_district_official_sees_only_their_district(api: TestClient[Any, Any], points: Points) -> None:
    await write_history(points, 3, size=15)
    t = await _tokens(points)
    x, y = points.x, points.y
    status, everyone = await _get(api, f"/monitoring/institutions?{PERIOD}", t["system"])
    assert status == 200 and [r["unit_id"] for r in everyone["rows"]] == [x.id, y.id]
    assert [c["label"] for c in everyone["columns"]][:3] == ["专家数量", "技转人员数量", "对接需求数"]
    status, mine = await _get(api, f"/monitoring/institutions?{PERIOD}", t["xihu"])
    assert status == 200 and mine["rows"] == everyone["rows"][:1]
    status, centres = await _get(api, f"/monitoring/centres?{PERIOD}", t["xihu"])
    assert [r["unit_id"] for r in centres["rows"]] == [x.centre]
    status, staff = await _get(api, f"/monitoring/staff?{PERIOD}", t["xihu"])
    assert {r["unit_id"] for r in staff["rows"]} == {x.staff_account, x.centre_admin_account}
    status, overview = await _get(api, f"/monitoring/overview?{PERIOD}", t["xihu"])
    assert [r["region_code"] for r in overview["rows"]] == ["330106"]
    status, city = await _get(api, f"/monitoring/overview?{PERIOD}", t["hangzhou"])
    codes = [r["region_code"] for r in city["rows"]]
    assert codes[0] == "330100" and {"330106", "330114"} <= set(codes) and "330000" not in codes
    # Every district of the city is listed, zeros included.
    zeros = [r["region_code"] for r in city["rows"] if set(r["figures"].values()) == {0}]
    assert len(zeros) >= 5 and "330106" not in zeros
    # Y is in 钱塘区: not the 西湖区 official's to drill into, as if it did not exist.
    status, hidden = await _get(api, f"/monitoring/institutions/{y.id}/points?{PERIOD}", t["xihu"])
    assert status == 404 and hidden["error"]["code"] == "not_found"
    status, rows = await _get(api, f"/monitoring/institutions/{x.id}/points?{PERIOD}&page_size=5", t["xihu"])
    assert status == 200 and rows["total"] >= len(rows["items"])
    status, all_rows = await _get(api, f"/monitoring/institutions/{x.id}/points?{PERIOD}&page_size=100", t["xihu"])
    assert sum(r["value"] for r in all_rows["items"]) == mine["rows"][0]["figures"]["points"]
    status, refused = await _get(api, f"/monitoring/institutions?{PERIOD}", t["x_staff"])
    assert status == 403 and refused["error"]["code"] == "forbidden"
    status, refused = await _get(api, f"/monitoring/overview?{PERIOD}", t["x_admin"])
    assert status == 403 and "区域总览" in refused["error"]["message"]


async def test_periods_and_names_are_checked(api: TestClient[Any, Any], points: Points) -> None:
    t = await _tokens(points)
    for query, text in (
        ("", "请填写开始日期"),
        ("from=2026-11-01", "请填写结束日期"),
        ("from=2026-11-31&to=2026-12-01", "开始日期格式应为"),
        ("from=2026-12-01&to=2026-11-01", "结束日期不能早于开始日期"),
        ("from=2020-01-01&to=2026-11-01", "统计区间最长"),
        (f"{PERIOD}&format=pdf", "导出格式"),
    ):
        status, body = await _get(api, f"/monitoring/institutions?{query}", t["system"])
        assert status == 422 and text in body["error"]["message"], (query, body)
    status, body = await _get(api, f"/monitoring/regions?{PERIOD}", t["system"])
    assert status == 422 and body["error"]["code"] == "invalid_view"
    status, body = await _get(api, f"/monitoring/staff/{points.x.staff_account}/experts?{PERIOD}", t["system"])
    assert status == 422 and body["error"]["code"] == "invalid_measure"


async def test_the_excel_file_holds_the_pages_numbers(api: TestClient[Any, Any], points: Points) -> None:
    await write_history(points, 5, size=15)
    t = await _tokens(points)
    for view in ("institutions", "centres", "staff", "overview"):
        status, page = await _get(api, f"/monitoring/{view}?{PERIOD}", t["hangzhou"])
        assert status == 200
        response = await api.get(f"/api/v1/monitoring/{view}?{PERIOD}&format=xlsx", headers=bearer(t["hangzhou"]))
        assert response.status == 200 and response.content_type.endswith("spreadsheetml.sheet")
        sheet = load_workbook(io.BytesIO(await response.read()), read_only=True).active
        assert sheet is not None
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert "2026-11-01" in str(rows[0][0])
        assert rows[1][:1] == ["名称"] and rows[1][3:] == [c["label"] for c in page["columns"]]
        expected = [
            [r["name"], r["parent"] or None, r["region_code"], *(r["figures"][c["key"]] for c in page["columns"])]
            for r in page["rows"]
        ]
        assert rows[2:] == expected


async def test_the_rows_behind_a_figure_export_to_excel(api: TestClient[Any, Any], points: Points) -> None:
    await write_history(points, 9, size=25)
    t = await _tokens(points)
    x, y = points.x, points.y
    for measure in ("points", "visits", "demands_docked"):
        path = f"/monitoring/institutions/{x.id}/{measure}?{PERIOD}"
        status, page = await _get(api, path + "&page_size=100", t["xihu"])
        assert status == 200 and page["total"] == len(page["items"]) > 0
        response = await api.get(f"/api/v1{path}&format=xlsx", headers=bearer(t["xihu"]))
        assert response.status == 200
        sheet = load_workbook(io.BytesIO(await response.read()), read_only=True).active
        assert sheet is not None
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert rows[1] == ["类型", "编号", "标识", "名称", "时间", "计数", "计为"]
        assert [(r[1], r[5], r[6]) for r in rows[2:]] == [(i["id"], i["value"], i["counted_as"]) for i in page["items"]]
    response = await api.get(
        f"/api/v1/monitoring/institutions/{y.id}/points?{PERIOD}&format=xlsx", headers=bearer(t["xihu"])
    )
    assert response.status == 404 and (await response.json())["error"]["code"] == "not_found"
