"""Indicators as data over REST: who may declare whose, which apply to whose monitors, versions in force by day."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from aiohttp.test_utils import TestClient

from handlers.clock import ManualClock
from tests.api.conftest import bearer
from tests.points.conftest import Points
from tests.points.test_points_api import tokens

DAY = 86400.0


async def declare(api: TestClient[Any, Any], token: str, **body: Any) -> tuple[int, Any]:
    body = {"weight": 10, "per_100_staff": False, **body}
    response = await api.post("/api/v1/indicators", json=body, headers=bearer(token))
    return response.status, await response.json()


async def in_force(api: TestClient[Any, Any], token: str, query: str = "") -> list[tuple[str, str, int, str]]:
    response = await api.get("/api/v1/indicators" + query, headers=bearer(token))
    assert response.status == 200, await response.text()
    return [(i["key"], i["owner"], i["version"], i["formula"]) for i in (await response.json())["items"]]


async def test_a_region_adds_its_own_dimension_and_overrides_a_platform_one_for_its_monitors_only(
    api: TestClient[Any, Any], points: Points
) -> None:
    t = await tokens(points)
    assert (await declare(api, t["system_admin"], owner="platform", key="results", name="成果转化", formula="deals"))[
        0
    ] == 201
    status, made = await declare(
        api, t["xihu_official"], owner="region", key="results", name="成果转化（西湖）", formula="deals * 2", weight=30
    )
    assert status == 201 and (made["owner_code"], made["version"]) == ("330106", 1)
    status, _ = await declare(api, t["xihu_official"], owner="region", key="visits", name="走访企业", formula="visits")
    status, _ = await declare(api, t["x_admin"], owner="institution", key="found", name="摸排", formula="demands_found")
    assert status == 201

    assert await in_force(api, t["xihu_official"]) == [
        ("results", "region", 1, "deals * 2"),  # 西湖区's own wins the shared key
        ("visits", "region", 1, "visits"),
    ]
    # X sits in 西湖区: the district's indicators and its own; Y (钱塘区) keeps the platform's.
    assert await in_force(api, t["x_admin"]) == [
        ("results", "region", 1, "deals * 2"),
        ("visits", "region", 1, "visits"),
        ("found", "institution", 1, "demands_found"),
    ]
    assert await in_force(api, t["y_admin"]) == [("results", "platform", 1, "deals")]


async def test_an_edit_is_a_new_version_and_an_earlier_day_still_finds_the_old_one(
    api: TestClient[Any, Any], points: Points
) -> None:
    t = await tokens(points)
    clock = points.org.container.clock
    assert isinstance(clock, ManualClock)
    day_one = clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date()
    await declare(api, t["x_admin"], owner="institution", key="found", name="摸排", formula="demands_found")
    clock.advance(DAY)
    status, edited = await declare(
        api, t["x_admin"], owner="institution", key="found", name="摸排", formula="demands_found * 2"
    )
    assert status == 201 and edited["version"] == 2
    assert await in_force(api, t["x_admin"]) == [("found", "institution", 2, "demands_found * 2")]
    assert await in_force(api, t["x_admin"], f"?as_of={day_one}") == [("found", "institution", 1, "demands_found")]
    # before anything was declared: none
    assert await in_force(api, t["x_admin"], "?as_of=2000-01-01") == []
    response = await api.get(f"/api/v1/indicators?as_of={day_one}", headers=bearer(t["x_admin"]))
    assert (await response.json())["at"].endswith("+00:00")  # an instant in UTC, as every time the API sends


async def test_only_the_owner_declares_and_a_bad_formula_names_its_field(
    api: TestClient[Any, Any], points: Points
) -> None:
    t = await tokens(points)
    for who, owner in [("xihu_official", "platform"), ("x_admin", "region"), ("x_staff", "institution")]:
        status, refused = await declare(api, t[who], owner=owner, key="k", name="指标", formula="deals")
        assert status == 403 and refused["error"]["code"] == "forbidden", (who, owner)
    status, refused = await declare(api, t["x_admin"], owner="institution", key="k", name="指标", formula="revenue")
    assert status == 422
    assert (refused["error"]["code"], refused["error"]["field"]) == ("unknown_measure", "formula")
    status, refused = await declare(api, t["x_admin"], owner="institution", key="K-1", name="指标", formula="deals")
    assert status == 422 and refused["error"]["field"] == "key"
    status, refused = await declare(
        api, t["x_admin"], owner="institution", key="k", name="指标", formula="deals", weight=101
    )
    assert status == 422 and refused["error"]["field"] == "weight"
    for bad in ("yesterday", "1481-09-09", "9999-12-31"):
        response = await api.get(f"/api/v1/indicators?as_of={bad}", headers=bearer(t["x_admin"]))
        assert response.status == 422 and (await response.json())["error"]["field"] == "as_of", bad
    assert await in_force(api, t["x_admin"]) == []  # nothing half-written


async def test_the_form_is_served_with_the_measures_a_formula_may_name(
    api: TestClient[Any, Any], points: Points
) -> None:
    t = await tokens(points)
    response = await api.get("/api/v1/forms/indicator", headers=bearer(t["x_admin"]))
    served = await response.json()
    assert response.status == 200
    formula = next(f for f in served["fields"] if f["name"] == "formula")
    assert "走访企业数" in formula["help"] and "visits" in formula["help"]
    response = await api.get("/api/v1/indicators", headers=bearer(t["x_admin"]))
    measures = (await response.json())["measures"]
    assert {"name": "staff", "label": "技转人员数量"} in measures
