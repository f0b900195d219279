"""The points pages: my points with the entries behind them, and rankings scoped like every listing."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from handlers.officials.create_official import CreateOfficial, create_official
from tests.api.conftest import World, bearer
from tests.points.conftest import Points
from tests.points.test_ledger import history
from tests.policies import MEMBERSHIP


async def tokens(p: Points) -> dict[str, str]:
    world = World(p.org)
    official = await create_official(
        CreateOfficial(p.org.admin_id, "赵局长", "13744440001", "330106"),
        p.org.uow,
        p.org.regions,
        membership=MEMBERSHIP,
    )
    accounts = {
        "x_staff": p.x.staff_account,
        "x_centre_admin": p.x.centre_admin_account,
        "x_admin": p.x.admin,
        "y_admin": p.y.admin,
        "xihu_official": official.account_id,
        "system_admin": p.org.admin_id,
        "expert": p.x.expert_account,
    }
    return {name: await world.token(account) for name, account in accounts.items()}


async def get(api: TestClient[Any, Any], path: str, token: str) -> tuple[int, Any]:
    response = await api.get("/api/v1" + path, headers=bearer(token))
    return response.status, await response.json()


async def test_my_points_shows_the_total_and_the_entries_that_explain_it(
    api: TestClient[Any, Any], points: Points
) -> None:
    await history(points)
    t = await tokens(points)
    status, mine = await get(api, "/points/me", t["x_staff"])
    assert status == 200 and mine["total_points"] == 4 and mine["entries_total"] == 5
    explanations = [e["explanation"] for e in mine["entries"]]
    assert explanations.count("向专家推送需求") == 3 and "推送未送达，扣回积分" in explanations
    assert "提交的需求通过审核" in explanations
    assert sum(e["points"] for e in mine["entries"]) == 4
    status, page = await get(api, "/points/me?page=2&page_size=2", t["x_staff"])
    assert status == 200 and len(page["entries"]) == 2
    status, refused = await get(api, "/points/me", t["x_admin"])
    assert status == 403 and refused["error"]["code"] == "forbidden"


async def test_rankings_are_scoped_like_every_listing(api: TestClient[Any, Any], points: Points) -> None:
    await history(points)
    t = await tokens(points)
    x, y = points.x, points.y

    async def ranked(who: str, by: str) -> list[tuple[int, int, int]]:
        status, page = await get(api, f"/points/ranking?by={by}", t[who])
        assert status == 200, page
        return [(row["rank"], row["id"], row["points"]) for row in page["items"]]

    assert await ranked("system_admin", "institution") == [(1, x.id, 6), (2, y.id, 5)]
    assert await ranked("system_admin", "staff") == [
        (1, y.staff_account, 5),
        (2, x.staff_account, 4),
        (3, x.centre_admin_account, 2),
    ]
    assert await ranked("x_admin", "staff") == [(1, x.staff_account, 4), (2, x.centre_admin_account, 2)]
    assert await ranked("y_admin", "centre") == [(1, y.centre, 5)]
    assert await ranked("x_centre_admin", "centre") == [(1, x.centre, 6)]
    assert await ranked("x_staff", "staff") == [(1, x.staff_account, 4)]  # a staff member sees only themself
    assert await ranked("xihu_official", "institution") == [(1, x.id, 6)]  # 西湖区 only, not 钱塘区
    status, refused = await get(api, "/points/ranking", t["expert"])
    assert status == 403 and refused["error"]["code"] == "forbidden"
    status, bad = await get(api, "/points/ranking?by=city", t["x_admin"])
    assert status == 422 and bad["error"]["code"] == "invalid_query"
