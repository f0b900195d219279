"""Indicators in the monitors: a dimension declared as data appears as a score column with no code change, the
report names the version it used, and an edit leaves an earlier period's report as it was."""

from __future__ import annotations

import io
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from aiohttp.test_utils import TestClient
from openpyxl import load_workbook

from handlers.clock import ManualClock
from tests.api.conftest import World, bearer
from tests.indicators.test_indicators_api import declare
from tests.monitoring.conftest import write_history
from tests.points.conftest import Points
from tests.points.test_points_api import tokens

NOVEMBER = "from=2026-11-01&to=2026-11-30"


async def monitor(api: TestClient[Any, Any], token: str, query: str) -> Any:
    response = await api.get(f"/api/v1/monitoring/institutions?{query}", headers=bearer(token))
    assert response.status == 200, await response.text()
    return await response.json()


def expected(rows: list[dict[str, Any]], weight: int, value: Any) -> list[str]:
    values = [Decimal(value(r["figures"])) for r in rows]
    best = max(values)
    return [str((weight * v / best).quantize(Decimal("0.01"), ROUND_HALF_UP)) if best else "0.00" for v in values]


async def test_a_declared_indicator_scores_every_row_and_names_its_version(
    api: TestClient[Any, Any], points: Points
) -> None:
    await write_history(points, 5, size=20)
    t = await tokens(points)
    before = await monitor(api, t["system_admin"], NOVEMBER)
    assert before["indicators"] == [] and all(r["scores"] == {} for r in before["rows"])

    status, _ = await declare(
        api,
        t["system_admin"],
        owner="platform",
        key="results",
        name="成果",
        formula="deals * 5 + demands_docked",
        weight=30,
    )
    assert status == 201
    status, _ = await declare(
        api,
        t["system_admin"],
        owner="platform",
        key="density",
        name="人均积分",
        formula="points",
        weight=10,
        per_100_staff=True,
    )
    report = await monitor(api, t["system_admin"], NOVEMBER)
    assert [(i["key"], i["version"]) for i in report["indicators"]] == [("results", 1), ("density", 1)]
    rows = report["rows"]
    results = expected(rows, 30, lambda f: f["deals"] * 5 + f["demands_docked"])
    assert [r["scores"]["results"] for r in rows] == results
    density = expected(rows, 10, lambda f: Decimal(f["points"]) * 100 / f["staff"] if f["staff"] else 0)
    assert [r["scores"]["density"] for r in rows] == density
    assert [r["scores"]["total"] for r in rows] == [
        str(Decimal(a) + Decimal(b)) for a, b in zip(results, density, strict=True)
    ]
    assert max(Decimal(r["scores"]["results"]) for r in rows) in (Decimal(30), Decimal(0))

    # The Excel file carries the same scores, its columns named with the versions.
    response = await api.get(
        f"/api/v1/monitoring/institutions?{NOVEMBER}&format=xlsx", headers=bearer(t["system_admin"])
    )
    sheet = load_workbook(io.BytesIO(await response.read())).worksheets[0]
    lines = [list(r) for r in sheet.iter_rows(values_only=True)]
    head = next(line for line in lines if "综合得分" in line)
    assert "成果（v1）得分" in head
    total_at = head.index("综合得分")
    body = lines[lines.index(head) + 1 :]
    assert [Decimal(str(line[total_at])).quantize(Decimal("0.01")) for line in body] == [
        Decimal(r["scores"]["total"]) for r in rows
    ]


async def test_an_edit_leaves_the_report_of_an_earlier_period_as_it_was(
    api: TestClient[Any, Any], points: Points
) -> None:
    await write_history(points, 6, size=20)
    t = await tokens(points)
    clock = points.org.container.clock
    assert isinstance(clock, ManualClock)
    await declare(api, t["x_admin"], owner="institution", key="found", name="摸排", formula="demands_found", weight=20)
    clock.advance(10 * 86400)  # into December: November is over (and the session with it: sign in again)
    t["x_admin"] = await World(points.org).token(points.x.admin)
    november = await monitor(api, t["x_admin"], NOVEMBER)
    status, _ = await declare(
        api, t["x_admin"], owner="institution", key="found", name="摸排", formula="demands_found * 0", weight=20
    )
    assert status == 201
    again = await monitor(api, t["x_admin"], NOVEMBER)
    assert again["indicators"] == november["indicators"] and again["indicators"][0]["version"] == 1
    assert [r["scores"] for r in again["rows"]] == [r["scores"] for r in november["rows"]]
    december = await monitor(api, t["x_admin"], "from=2026-12-01&to=2026-12-03")
    assert [(i["key"], i["version"], i["formula"]) for i in december["indicators"]] == [
        ("found", 2, "demands_found * 0")
    ]
    assert all(r["scores"]["found"] == "0.00" for r in december["rows"])
