"""指定机构公开 picks from a directory: an institution admin sees every other institution's id, name and region by
name (never their own, nothing else of the others); nobody but an institution admin reads it. The publication
form's institution_ids field names it as its choices_source, and an institution picked from it is published to."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from tests.api.conftest import World, api, bearer  # noqa: F401  (fixture)
from tests.publications.conftest import Market


async def test_an_admin_sees_the_other_institutions_by_name_and_region(
    api: TestClient[Any, Any],  # noqa: F811
    market: Market,
) -> None:
    d, a, b = market.docking, market.a, market.b
    world = World(d.bench.org)
    publisher = bearer(await world.token(market.publisher_admin))
    response = await api.get("/api/v1/institution-directory", headers=publisher)
    assert response.status == 200
    items = (await response.json())["items"]
    assert {i["institution_id"] for i in items} == {a.id, b.id}  # not the publisher's own
    assert {(i["name"], i["region_name"]) for i in items} == {
        ("第31技术转移中心", "浙江省杭州市钱塘区"),
        ("第32技术转移中心", "浙江省杭州市钱塘区"),
    }
    assert all(set(i) == {"institution_id", "name", "region_name"} for i in items)
    # Institution a's admin sees the publisher's institution and b, not a.
    theirs = await (await api.get("/api/v1/institution-directory", headers=bearer(await world.token(a.admin)))).json()
    assert {i["institution_id"] for i in theirs["items"]} == {d.bench.institution_id, b.id}
    for account in (d.bench.staff_id, a.centre_admin):
        refused = await api.get("/api/v1/institution-directory", headers=bearer(await world.token(account)))
        assert refused.status == 403

    form = await (await api.get("/api/v1/forms/publication", headers=publisher)).json()
    field = next(f for f in form["fields"] if f["name"] == "institution_ids")
    assert field["choices_source"] == "/api/v1/institution-directory"
    published = await api.post(
        f"/api/v1/demands/{d.demand_id}/publication",
        json={"audience": "chosen", "fee_ratio_bp": 1000, "institution_ids": [items[0]["institution_id"]]},
        headers=publisher,
    )
    assert published.status == 201
