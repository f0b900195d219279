"""Region successor codes (撤县设区): records kept under a withdrawn code count under the code that replaced it —
in the overview, the drill-down, the Excel file and every scope check — and its history stays whole."""

from __future__ import annotations

import io
from typing import Any

from aiohttp.test_utils import TestClient
from openpyxl import load_workbook
from sqlalchemy import update

from handlers.officials.create_official import CreateOfficial, create_official
from handlers.reference.regions import Regions
from store.models.demands import Demand, Review
from store.models.organisation import Centre, Institution
from tests.api.conftest import World, bearer
from tests.monitoring.conftest import write_history
from tests.points.conftest import Points
from tests.policies import MEMBERSHIP

PERIOD = "from=2026-11-01&to=2026-11-30"


async def _official(p: Points, name: str, phone: str, region: str) -> str:
    made = await create_official(
        CreateOfficial(p.org.admin_id, name, phone, region), p.org.uow, p.org.regions, membership=MEMBERSHIP
    )
    return await World(p.org).token(made.account_id)


async def _move_y(p: Points, code: str) -> None:
    """Y's institution, centre, demands and reviews as if registered before the change, under the old code."""
    async with p.org.uow as uow:
        s = uow.session
        await s.execute(update(Institution).where(Institution.id == p.y.id).values(region_code=code))
        await s.execute(update(Centre).where(Centre.institution_id == p.y.id).values(region_code=code))
        await s.execute(update(Demand).where(Demand.institution_id == p.y.id).values(region_code=code))
        # Its reviews under its district (some of its demands lie elsewhere in the city: they stay there).
        await s.execute(update(Review).where(Review.region_code == "330114").values(region_code=code))
        await uow.commit()


async def _get(api: TestClient[Any, Any], path: str, token: str) -> tuple[int, Any]:
    response = await api.get("/api/v1" + path, headers=bearer(token))
    return response.status, await response.json()


def _row(body: Any, code: str) -> dict[str, int]:
    [row] = [r for r in body["rows"] if r["region_code"] == code]
    return dict(row["figures"])


def test_the_data_names_successors_with_their_dates() -> None:
    regions = Regions.load()
    # 撤县设区 within a city, and a county-level unit moving to another city (莱芜 into 济南, 2019).
    assert regions.successor("330103") == "330105" and regions.successor("330105") == "330105"
    assert regions.successor("371202") == "370116" and regions.get("371202").effective is not None
    assert str(regions.get("330103").effective) == "2021-04-09"
    assert regions.within("371202", "370100") and not regions.within("371202", "371200")
    for old, new in regions.retired().items():
        assert regions.is_abolished(old) and not regions.is_abolished(new)


async def test_history_under_a_withdrawn_code_counts_under_its_successor(
    api: TestClient[Any, Any], points: Points
) -> None:
    await write_history(points, 11, size=20)
    admin = await World(points.org).token(points.org.admin_id)
    city = await _official(points, "钱处长", "13744440002", "330100")
    status, before = await _get(api, f"/monitoring/overview?{PERIOD}", city)
    assert status == 200
    y_figures = _row(before, "330114")
    assert any(y_figures.values())

    # Y's records carry 下城区 (330103), withdrawn in 2021 for the new 拱墅区 (330105).
    await _move_y(points, "330103")
    gongshu = await _official(points, "孙科长", "13744440003", "330105")
    xihu = await _official(points, "赵局长", "13744440001", "330106")
    for token in (city, admin):
        status, after = await _get(api, f"/monitoring/overview?{PERIOD}", token)
        assert status == 200 and "330103" not in [r["region_code"] for r in after["rows"]]
        assert _row(after, "330105") == y_figures and _row(after, "330106") == _row(before, "330106")
        assert _row(after, "330100") == _row(before, "330100")  # the city's totals do not move

    # The new district's official sees the old county's institution, centre, staff and figures…
    status, mine = await _get(api, f"/monitoring/overview?{PERIOD}", gongshu)
    assert status == 200 and [(r["region_code"], r["figures"]) for r in mine["rows"]] == [("330105", y_figures)]
    status, institutions = await _get(api, f"/monitoring/institutions?{PERIOD}", gongshu)
    assert [r["unit_id"] for r in institutions["rows"]] == [points.y.id]
    status, centres = await _get(api, f"/monitoring/centres?{PERIOD}", gongshu)
    assert [r["unit_id"] for r in centres["rows"]] == [points.y.centre]
    # …down to the rows behind a figure, in the JSON and the Excel file alike.
    path = f"/monitoring/overview/330105/points?{PERIOD}"
    status, rows = await _get(api, path + "&page_size=100", gongshu)
    assert status == 200 and sum(r["value"] for r in rows["items"]) == y_figures["points"]
    response = await api.get(f"/api/v1{path}&format=xlsx", headers=bearer(gongshu))
    sheet = load_workbook(io.BytesIO(await response.read()), read_only=True).active
    assert sheet is not None
    assert [r[1] for r in list(sheet.iter_rows(values_only=True))[2:]] == [i["id"] for i in rows["items"]]
    response = await api.get(f"/api/v1/monitoring/overview?{PERIOD}&format=xlsx", headers=bearer(gongshu))
    sheet = load_workbook(io.BytesIO(await response.read()), read_only=True).active
    assert sheet is not None
    head, line = list(sheet.iter_rows(values_only=True))[1:]
    assert line[2] == "330105" and list(line[3:]) == [y_figures[c["key"]] for c in mine["columns"]]
    # Under the page's Chinese labels, the review figures among them.
    assert list(head[3:]) == [c["label"] for c in mine["columns"]] and "平均审核用时（小时）" in head

    # The withdrawn code has no figures of its own, and a neighbour sees none of it.
    status, old = await _get(api, f"/monitoring/overview/330103/points?{PERIOD}", gongshu)
    assert status == 200 and old["total"] == 0
    status, _ = await _get(api, f"/monitoring/overview/330105/points?{PERIOD}", xihu)
    assert status == 404
    status, theirs = await _get(api, f"/monitoring/institutions?{PERIOD}", xihu)
    assert [r["unit_id"] for r in theirs["rows"]] == [points.x.id]
    status, _ = await _get(api, f"/monitoring/institutions/{points.y.id}/points?{PERIOD}", xihu)
    assert status == 404


async def test_a_code_moved_to_another_city_follows_its_successor(api: TestClient[Any, Any], points: Points) -> None:
    await write_history(points, 12, size=20)
    admin = await World(points.org).token(points.org.admin_id)
    status, before = await _get(api, f"/monitoring/institutions?{PERIOD}", admin)
    y_row = [r for r in before["rows"] if r["unit_id"] == points.y.id][0]["figures"]

    # 莱城区 (371202, 莱芜市) became 济南市莱芜区 (370116): 济南's officials see it, 杭州's no longer do.
    await _move_y(points, "371202")
    jinan = await _official(points, "周处长", "13744440004", "370100")
    laiwu = await _official(points, "吴科长", "13744440005", "370116")
    lixia = await _official(points, "郑科长", "13744440006", "370102")
    hangzhou = await _official(points, "钱处长", "13744440002", "330100")
    for token in (jinan, laiwu):
        status, body = await _get(api, f"/monitoring/institutions?{PERIOD}", token)
        assert status == 200 and [(r["unit_id"], r["figures"]) for r in body["rows"]] == [(points.y.id, y_row)]
    status, overview = await _get(api, f"/monitoring/overview?{PERIOD}", jinan)
    codes = [r["region_code"] for r in overview["rows"]]
    assert "370116" in codes and "371202" not in codes
    assert _row(overview, "370116")["points"] == _row(overview, "370100")["points"]
    for token in (lixia, hangzhou):
        status, body = await _get(api, f"/monitoring/institutions?{PERIOD}", token)
        assert points.y.id not in [r["unit_id"] for r in body["rows"]]
