"""Over HTTP: an official of one district never sees another district's records, and an institution never
sees another's — not in the lists, not by guessing ids in detail routes (404, as for an id that does not
exist), not by writing to them."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from handlers.officials.create_official import CreateOfficial, create_official
from store.models.auth import SessionKind
from tests.api.conftest import Institution, World, bearer, build_institution
from tests.organisation.conftest import Org
from tests.policies import MEMBERSHIP

LISTS = ("institutions", "centres", "staff", "experts", "enterprises")


def _details(i: Institution) -> list[str]:
    return [
        f"/institutions/{i.id}",
        f"/centres/{i.centre}",
        f"/staff/{i.staff_member}",
        f"/experts/{i.expert}",
        f"/enterprises/{i.enterprise}",
    ]


def _ids(i: Institution) -> dict[str, set[int]]:
    return {
        "institutions": {i.id},
        "centres": {i.centre},
        "staff": {i.staff_member, i.centre_admin_member},
        "experts": {i.expert},
        "enterprises": {i.enterprise},
    }


_KEY = {
    "institutions": "institution_id",
    "centres": "centre_id",
    "staff": "staff_member_id",
    "experts": "expert_id",
    "enterprises": "enterprise_id",
}


async def _seen(api: TestClient[Any, Any], token: str) -> dict[str, set[int]]:
    seen = {}
    for name in LISTS:
        response = await api.get(f"/api/v1/{name}", headers=bearer(token))
        assert response.status == 200, (name, await response.text())
        seen[name] = {item[_KEY[name]] for item in (await response.json())["items"]}
    return seen


async def _two_districts(org: Org) -> tuple[World, Institution, Institution, dict[str, str]]:
    """Institution X with everything in 西湖区, Y in 钱塘区; a district official for each."""
    world = World(org)
    x = await build_institution(
        org, 1, region="330106", enterprise_name="杭州云栖智能传感科技有限公司", phone_prefix="1371111"
    )
    y = await build_institution(
        org, 2, region="330114", enterprise_name="杭州钱塘半导体装备有限公司", phone_prefix="1372222"
    )
    tokens = {}
    for key, mobile, region in (("xihu", "13733330001", "330106"), ("qiantang", "13733330002", "330114")):
        official = await create_official(
            CreateOfficial(org.admin_id, key, mobile, region), org.uow, org.regions, membership=MEMBERSHIP
        )
        tokens[key] = await world.token(official.account_id)
    for key, account in (
        ("x_admin", x.admin),
        ("y_admin", y.admin),
        ("x_staff", x.staff_account),
        ("x_centre_admin", x.centre_admin_account),
        ("y_expert", y.expert_account),
    ):
        kind = SessionKind.MINI_PROGRAM if key.endswith("expert") else SessionKind.MICRO_APP
        tokens[key] = await world.token(account, kind)
    return world, x, y, tokens


async def test_district_officials_see_only_their_district(api: TestClient[Any, Any], org: Org) -> None:
    _world, x, y, tokens = await _two_districts(org)
    assert await _seen(api, tokens["xihu"]) == _ids(x)
    assert await _seen(api, tokens["qiantang"]) == _ids(y)
    for official, other in (("xihu", y), ("qiantang", x)):
        for path in _details(other):
            response = await api.get("/api/v1" + path, headers=bearer(tokens[official]))
            assert response.status == 404, (official, path)
            assert (await response.json())["error"]["code"] == "not_found"


async def test_institutions_see_only_their_own(api: TestClient[Any, Any], org: Org) -> None:
    _world, x, y, tokens = await _two_districts(org)
    assert await _seen(api, tokens["x_admin"]) == _ids(x)
    assert await _seen(api, tokens["y_admin"]) == _ids(y)
    centre_admin = await _seen(api, tokens["x_centre_admin"])
    assert centre_admin == _ids(x)  # the centre admin's centre holds all of X's staff here
    for token, other in ((tokens["x_admin"], y), (tokens["y_admin"], x), (tokens["x_staff"], y)):
        for path in _details(other):
            guessed = await api.get("/api/v1" + path, headers=bearer(token))
            absent = await api.get("/api/v1" + path.rsplit("/", 1)[0] + "/999999", headers=bearer(token))
            # The same answer as for an id that does not exist: nothing about the record is revealed.
            assert guessed.status == absent.status == 404, path
            assert await guessed.json() == await absent.json()
    # Writes naming the other institution's records are not_found too (and nothing is written).
    x_admin = bearer(tokens["x_admin"])
    for path, body in (
        (f"/centres/{y.centre}/staff", {"name": "越权", "mobile": "13744440001", "position": "经理"}),
        (f"/enterprises/{y.enterprise}/contacts", {"name": "越权", "position": "经理", "phone": "13744440002"}),
        (f"/experts/{y.expert}/research-results", {"title": "越权"}),
    ):
        response = await api.post("/api/v1" + path, json=body, headers=x_admin)
        assert response.status == 404 and (await response.json())["error"]["code"] == "not_found", path
    follow_up = {"kind": "visit", "occurred_at": "2026-11-22T08:00:00+00:00", "content": "越权"}
    response = await api.post(
        f"/api/v1/expert-links/{y.link}/follow-ups", json=follow_up, headers=bearer(tokens["x_staff"])
    )
    assert response.status == 404


async def test_an_expert_page_shows_follow_ups_only_to_the_links_institution(
    api: TestClient[Any, Any], org: Org
) -> None:
    _world, x, _y, tokens = await _two_districts(org)
    for key in ("x_admin", "x_staff"):
        page = await (await api.get(f"/api/v1/experts/{x.expert}", headers=bearer(tokens[key]))).json()
        [link] = page["links"]
        assert link["institution_id"] == x.id
        assert [f["content"] for f in link["follow_ups"]] == ["机构1的拜访记录"]
    # The official sees the expert and the maintaining institution, not the institution's follow-up notes.
    page = await (await api.get(f"/api/v1/experts/{x.expert}", headers=bearer(tokens["xihu"]))).json()
    assert page["name"] == "专家1" and [link["follow_ups"] for link in page["links"]] == [None]


async def test_a_shared_expert_shows_each_institution_only_its_own_link(api: TestClient[Any, Any], org: Org) -> None:
    _world, x, y, tokens = await _two_districts(org)
    # X adds Y's expert by the same mobile: one person, a second link.
    added = await api.post(
        f"/api/v1/institutions/{x.id}/experts",
        headers=bearer(tokens["x_admin"]),
        json={"name": "专家2", "mobile": "13722220004"},
    )
    assert added.status == 201 and (await added.json())["new_person"] is False
    for token, own in ((tokens["x_admin"], x), (tokens["y_admin"], y)):
        page = await (await api.get(f"/api/v1/experts/{y.expert}", headers=bearer(token))).json()
        assert [link["institution_id"] for link in page["links"]] == [own.id]
    x_links = (await (await api.get(f"/api/v1/experts/{y.expert}", headers=bearer(tokens["x_admin"]))).json())["links"]
    assert x_links[0]["follow_ups"] == []  # Y's visit note stays with Y's link
    # The expert sees their own page, without the institutions' links.
    own = await (await api.get(f"/api/v1/experts/{y.expert}", headers=bearer(tokens["y_expert"]))).json()
    assert own["name"] == "专家2" and own["links"] == []
