"""Publication over HTTP: bad input gets a clear error and changes nothing; an institution that was not chosen
learns nothing (404 like a missing id); the chosen one reads the letter, accepts it and docks; responses match
the OpenAPI document."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from miniapp_api.app import OPENAPI
from tests.api.conftest import World, api, bearer  # noqa: F401  (fixture)
from tests.api.openapi_check import problems, response_schema
from tests.follow_ups.conftest import beijing
from tests.organisation.conftest import snapshot
from tests.publications.conftest import Market


async def call(
    client: TestClient[Any, Any],
    method: str,
    path: str,
    token: str,
    body: Any = None,
) -> tuple[int, Any]:
    response = await client.request(method, "/api/v1" + path, json=body, headers=bearer(token))
    return response.status, await response.json()


async def test_publication_over_http(api: TestClient[Any, Any], market: Market) -> None:  # noqa: F811
    d, a, b = market.docking, market.a, market.b
    world = World(d.bench.org)
    publisher, a_admin, b_admin = [await world.token(x) for x in (market.publisher_admin, a.admin, b.admin)]
    a_staff, zhang = await world.token(a.staff), await world.token(d.bench.staff_id)
    path = f"/demands/{d.demand_id}/publication"

    for body, status, code, message in (
        ({"audience": "all", "fee_ratio_bp": 400}, 422, "fee_ratio_too_low", "中介服务费比例不能低于5%"),
        (
            {"audience": "chosen", "fee_ratio_bp": 1000, "institution_ids": []},
            422,
            "missing_targets",
            "指定机构公开时请至少选择一家机构",
        ),
        (
            {"audience": "chosen", "fee_ratio_bp": 1000, "institution_ids": [a.id, 999_999]},
            422,
            "unknown_target",
            "未找到机构 999999",
        ),
        (
            {"audience": "chosen", "fee_ratio_bp": 1000, "institution_ids": [d.bench.institution_id]},
            422,
            "own_institution_target",
            "不能向本机构公开需求",
        ),
        (
            {"audience": "chosen", "fee_ratio_bp": 1000, "institution_ids": ["x"]},
            422,
            "invalid_field",
            "字段 institution_ids 的格式有误",
        ),
    ):
        before = await snapshot(d.bench.container)
        assert await call(api, "POST", path, publisher, body) == (status, {"error": {"code": code, "message": message}})
        assert await snapshot(d.bench.container) == before
    # Two wrong fields at once: invalid_form names both, each with its code and Chinese message, the first on top.
    before = await snapshot(d.bench.container)
    status, refused = await call(
        api, "POST", path, publisher, {"audience": "all", "fee_ratio_bp": 400, "institution_ids": [a.id]}
    )
    assert (status, refused) == (
        422,
        {
            "error": {
                "code": "invalid_form",
                "message": "全公开时不能指定机构",
                "fields": [
                    {"field": "institution_ids", "code": "targets_not_allowed", "message": "全公开时不能指定机构"},
                    {"field": "fee_ratio_bp", "code": "fee_ratio_too_low", "message": "中介服务费比例不能低于5%"},
                ],
            }
        },
    )
    assert problems(OPENAPI["components"]["schemas"]["Error"], refused) == []  # type: ignore[index]
    assert await snapshot(d.bench.container) == before
    status, published = await call(
        api, "POST", path, publisher, {"audience": "chosen", "fee_ratio_bp": 1000, "institution_ids": [a.id]}
    )
    assert (
        status == 201 and problems(response_schema("POST", "/demands/{demand_id}/publication", "201"), published) == []
    )
    publication = published["publication_id"]

    # 第32 was not chosen: nothing listed, and the publication's routes answer 404 as for a missing one.
    assert await call(api, "GET", "/publications", b_admin) == (200, {"items": []})
    for method, route in (
        ("GET", f"/publications/{publication}/letter"),
        ("POST", f"/publications/{publication}/accept"),
        ("GET", f"/demands/{d.demand_id}"),
        ("GET", "/publications/999999/letter"),
    ):
        status, body = await call(
            api,
            method,
            route,
            b_admin,
            {"letter_version": "x", "letter_sha256": "y", "staff_member_id": b.staff_member},
        )
        assert (status, body["error"]["code"]) == (404, "not_found"), (route, body)

    status, listed = await call(api, "GET", "/publications?side=offered", a_admin)
    assert status == 200 and [i["id"] for i in listed["items"]] == [publication]
    assert problems(response_schema("GET", "/publications"), listed) == []
    status, letter = await call(api, "GET", f"/publications/{publication}/letter", a_admin)
    assert status == 200 and problems(response_schema("GET", "/publications/{publication_id}/letter"), letter) == []
    accept = f"/publications/{publication}/accept"
    stale = {"letter_version": letter["letter_version"], "letter_sha256": "0" * 64, "staff_member_id": a.staff_member}
    assert (await call(api, "POST", accept, a_admin, stale))[0] == 409
    status, accepted = await call(api, "POST", accept, a_admin, {**stale, "letter_sha256": letter["sha256"]})
    assert status == 200 and accepted["staff_account_id"] == a.staff
    assert problems(response_schema("POST", "/publications/{publication_id}/accept"), accepted) == []

    d.clock.set(beijing(2025, 10, 9, 15))
    visit = {"kind": "visit", "occurred_at": beijing(2025, 10, 9, 14).isoformat(), "content": "受理方上门走访"}
    assert (await call(api, "POST", f"/demands/{d.demand_id}/follow-ups", a_staff, visit))[0] == 201
    assert (await call(api, "POST", f"/demands/{d.demand_id}/follow-ups", zhang, visit))[0] == 403
    status, detail = await call(api, "GET", f"/demands/{d.demand_id}", zhang)
    assert status == 200 and detail["status"] == "published"
    status, withdrawn = await call(api, "POST", f"{path}/withdraw", publisher)
    assert (status, withdrawn["error"]["code"]) == (409, "already_accepted")
