"""The expert's pages over REST: what he sees (two maintaining institutions, approved and open only), the hall's
filters, the profile and technologies, and refusals: other roles, unbound users, other experts' records, bad
input (with nothing written)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp.test_utils import TestClient

from handlers.demands.close_demand import CloseDemand, close_demand
from store.models.expert_pages import ExpertDocking
from tests.api.conftest import api, bearer  # noqa: F401  (fixture)
from tests.api.openapi_check import problems, response_schema
from tests.demands.conftest import timeline
from tests.expert_channel.conftest import ExpertWorld, approved, build_expert_world, count, token
from tests.organisation.conftest import Org, snapshot

TECH = {
    "title": "柔性压力传感薄膜",
    "field_codes": ["0101"],
    "summary": "可穿戴设备用柔性压力传感。",
    "maturity": "pilot",
    "cooperation_mode": "licence",
}


async def _world(org: Org) -> tuple[ExpertWorld, dict[str, str]]:
    w = await build_expert_world(org)
    return w, bearer(await token(w.container, w.expert_account))


async def _hall(api: TestClient[Any, Any], headers: dict[str, str], **query: str) -> dict[str, Any]:  # noqa: F811
    response = await api.get("/api/v1/expert/hall", headers=headers, params=query)
    assert response.status == 200, await response.text()
    return dict(await response.json())


async def test_the_expert_sees_approved_open_demands_of_both_maintaining_institutions(
    org: Org, api: TestClient[Any, Any]
) -> None:  # noqa: F811
    w, headers = await _world(org)
    of_a = await approved(w.a, title="A机构的需求")
    of_b = await approved(w.b, title="B机构的需求")
    await approved(w.c, title="C机构的需求")  # C does not maintain him
    await w.a.submit(title="待审核的需求")
    closed = await approved(w.a, title="已关闭的需求")
    await close_demand(CloseDemand(w.a.staff_id, closed, "企业已自行解决"), org.uow)

    hall = await _hall(api, headers)
    assert {i["title"] for i in hall["items"]} == {"A机构的需求", "B机构的需求"}
    assert hall["total"] == 2 and {i["demand_id"] for i in hall["items"]} == {of_a, of_b}
    assert all(i["enterprise_name"] and i["status_label"] == "对接中" and i["docked"] is False for i in hall["items"])
    detail = await api.get(f"/api/v1/expert/demands/{of_b}", headers=headers)
    assert detail.status == 200
    body = await detail.json()
    assert body["description"] and body["docking"] is None
    assert "contacts" not in body and "enterprise_id" not in body  # no enterprise contact details


def titles(page: dict[str, Any]) -> list[str]:
    return sorted(i["title"] for i in page["items"])


async def test_hall_filters_by_field_subtree_region_and_keyword_a_page_at_a_time(
    org: Org, api: TestClient[Any, Any]
) -> None:  # noqa: F811
    w, headers = await _world(org)
    await approved(
        w.a, title="传感器封装", tech_fields=("010101",), region_code="330106", description="MEMS 封装良率偏低"
    )
    await approved(w.a, title="电池回收", tech_fields=("0701",), region_code="330106", description="锂电池回收工艺")
    await approved(w.b, title="余杭的传感器", tech_fields=("0102",), region_code="330110", description="需要100%检测")

    assert titles(await _hall(api, headers, field="01")) == ["传感器封装", "余杭的传感器"]
    assert titles(await _hall(api, headers, field="0101")) == ["传感器封装"]
    assert titles(await _hall(api, headers, field="07")) == ["电池回收"]
    assert titles(await _hall(api, headers, region="330100")) == ["传感器封装", "余杭的传感器", "电池回收"]
    assert titles(await _hall(api, headers, region="330110")) == ["余杭的传感器"]
    assert titles(await _hall(api, headers, keyword="锂电池")) == ["电池回收"]
    assert titles(await _hall(api, headers, keyword="100%")) == ["余杭的传感器"]  # % is a character, not a wildcard
    assert titles(await _hall(api, headers, field="01", region="330106", keyword="封装")) == ["传感器封装"]
    first = await _hall(api, headers, page="1", page_size="2")
    second = await _hall(api, headers, page="2", page_size="2")
    assert first["total"] == 3 and len(first["items"]) == 2 and len(second["items"]) == 1
    assert not {i["demand_id"] for i in first["items"]} & {i["demand_id"] for i in second["items"]}

    for query, code in (
        ({"field": "99"}, "invalid_tech_field"),
        ({"region": "123"}, "invalid_region"),
        ({"keyword": "长" * 51}, "keyword_too_long"),
        ({"page": "0"}, "invalid_page"),
        ({"page_size": "x"}, "invalid_page"),
    ):
        response = await api.get("/api/v1/expert/hall", headers=headers, params=query)
        assert response.status == 422 and (await response.json())["error"]["code"] == code, query


async def test_profile_and_technologies_are_the_experts_own(org: Org, api: TestClient[Any, Any]) -> None:  # noqa: F811
    w, headers = await _world(org)
    other = bearer(await token(w.container, w.other_expert_account))
    profile = await (await api.get("/api/v1/expert/profile", headers=headers)).json()
    assert profile["name"] == "王教授" and len(profile["institutions"]) == 2
    changed = await api.put(
        "/api/v1/expert/profile",
        headers=headers,
        json={"title": "研究员", "employer": "浙江大学", "introduction": "长期从事传感器研究。"},
    )
    assert changed.status == 200 and (await changed.json())["introduction"] == "长期从事传感器研究。"

    created = await api.post("/api/v1/expert/technologies", headers=headers, json=TECH)
    assert created.status == 201, await created.text()
    tech = await created.json()
    assert tech["status"] == "published" and tech["maturity_label"] == "小试阶段"
    tech_id = tech["technology_id"]
    # Another expert's technology is not found, whatever is asked of it, and stays untouched.
    for method, path, body in (
        ("PUT", f"/api/v1/expert/technologies/{tech_id}", TECH),
        ("POST", f"/api/v1/expert/technologies/{tech_id}/withdraw", None),
    ):
        response = await api.request(method, path, headers=other, json=body)
        assert response.status == 404 and (await response.json())["error"]["code"] == "technology_not_found"
    assert (await (await api.get("/api/v1/expert/technologies", headers=other)).json())["items"] == []

    edited = await api.put(
        f"/api/v1/expert/technologies/{tech_id}", headers=headers, json={**TECH, "title": "柔性压力传感薄膜（第二代）"}
    )
    assert (await edited.json())["title"] == "柔性压力传感薄膜（第二代）"
    withdrawn = await api.post(f"/api/v1/expert/technologies/{tech_id}/withdraw", headers=headers)
    assert (await withdrawn.json())["status"] == "withdrawn"
    again = await api.post(f"/api/v1/expert/technologies/{tech_id}/withdraw", headers=headers)
    assert again.status == 409 and (await again.json())["error"]["code"] == "already_withdrawn"
    [listed] = (await (await api.get("/api/v1/expert/technologies", headers=headers)).json())["items"]
    assert listed["status"] == "withdrawn"


async def test_bad_input_is_refused_clearly_and_writes_nothing(org: Org, api: TestClient[Any, Any]) -> None:  # noqa: F811
    w, headers = await _world(org)
    before = await snapshot(w.container)
    cases = (
        ({**TECH, "title": " "}, "missing_field"),
        ({**TECH, "field_codes": []}, "missing_field"),
        ({**TECH, "field_codes": ["9999"]}, "invalid_tech_field"),
        ({**TECH, "field_codes": "0101"}, "invalid_field"),
        ({**TECH, "field_codes": ["01", "02", "03", "04", "05", "06"]}, "too_many_tech_fields"),
        ({**TECH, "maturity": "mass"}, "invalid_maturity"),
        ({**TECH, "cooperation_mode": ""}, "invalid_cooperation_mode"),
        ({**TECH, "summary": "长" * 2001}, "field_too_long"),
        ({**TECH, "title": 5}, "invalid_field"),
    )
    for body, code in cases:
        response = await api.post("/api/v1/expert/technologies", headers=headers, json=body)
        payload = await response.json()
        assert response.status == 422 and payload["error"]["code"] == code, (body, payload)
        assert payload["error"]["message"]  # a Chinese sentence for the person
    response = await api.post("/api/v1/expert/technologies", headers=headers, json={**TECH, "maturity": "mass"})
    assert await response.json() == {"error": {"code": "invalid_maturity", "message": "请选择技术成熟度"}}
    response = await api.post("/api/v1/expert/technologies", headers=headers, data="not json")
    assert response.status == 422 and (await response.json())["error"]["code"] == "invalid_json"
    response = await api.put("/api/v1/expert/profile", headers=headers, json={"employer": "", "title": "教授"})
    assert response.status == 422 and (await response.json())["error"]["code"] == "missing_field"
    response = await api.put(
        "/api/v1/expert/profile", headers=headers, json={"employer": "浙大", "introduction": "长" * 301}
    )
    assert response.status == 422 and (await response.json())["error"]["code"] == "introduction_too_long"
    assert await snapshot(w.container) == before


async def test_other_roles_unbound_users_and_unseen_demands_are_refused(org: Org, api: TestClient[Any, Any]) -> None:  # noqa: F811
    w, headers = await _world(org)
    unseen = await approved(w.c, title="C机构的需求")
    pending = (await w.a.submit(title="待审核的需求")).demand_id
    for demand_id in (unseen, pending, 999999):
        for method, suffix in (("GET", ""), ("POST", "/docking"), ("DELETE", "/docking"), ("GET", "/broker")):
            response = await api.request(method, f"/api/v1/expert/demands/{demand_id}{suffix}", headers=headers)
            assert response.status == 404, (demand_id, method, suffix, await response.text())
            assert (await response.json())["error"]["code"] == "not_found"
    assert await count(w.container, ExpertDocking) == 0

    staff = bearer(await token(w.container, w.a.staff_id))
    unbound = bearer(await token(w.container, None))
    for path in ("/api/v1/expert/profile", "/api/v1/expert/hall", "/api/v1/expert/dockings"):
        refused = await api.get(path, headers=staff)
        assert refused.status == 403 and (await refused.json())["error"]["code"] == "forbidden"
        refused = await api.get(path, headers=unbound)
        assert refused.status == 401 and (await refused.json())["error"]["code"] == "binding_required"

    # Seen but not docked: cancelling or asking for the broker is a conflict the page can explain.
    seen = await approved(w.a)
    for method, suffix in (("DELETE", "/docking"), ("GET", "/broker")):
        response = await api.request(method, f"/api/v1/expert/demands/{seen}{suffix}", headers=headers)
        assert response.status == 409 and (await response.json())["error"]["code"] == "not_docked"


async def test_concurrent_presses_make_one_docking_and_another_expert_cannot_touch_it(
    org: Org, api: TestClient[Any, Any]
) -> None:  # noqa: F811
    w, headers = await _world(org)
    demand = await approved(w.a)
    path = f"/api/v1/expert/demands/{demand}/docking"
    answers = await asyncio.gather(*(api.post(path, headers=headers) for _ in range(4)))
    assert [r.status for r in answers] == [200] * 4
    assert len({(await r.json())["docking_id"] for r in answers}) == 1
    assert await count(w.container, ExpertDocking) == 1
    assert [a for a, _, _ in await timeline(w.container, demand)].count("expert_dock") == 1

    # 李研究员 (maintained by C only) neither sees the demand nor can cancel 王教授's docking.
    other = bearer(await token(w.container, w.other_expert_account))
    refused = await api.delete(path, headers=other)
    assert refused.status == 404 and (await refused.json())["error"]["code"] == "not_found"
    assert (await (await api.get("/api/v1/expert/dockings", headers=other)).json())["items"] == []
    mine = await (await api.get("/api/v1/expert/dockings", headers=headers)).json()
    assert [d["status"] for d in mine["items"]] == ["docked"]


async def test_the_expert_sets_his_own_research_fields(org: Org, api: TestClient[Any, Any]) -> None:  # noqa: F811
    w, headers = await _world(org)
    other = bearer(await token(w.container, w.other_expert_account))
    path = "/api/v1/expert/research-fields"
    changed = await api.put(path, headers=headers, json={"field_codes": ["0101", "04", "0101"]})
    assert changed.status == 200, await changed.text()
    assert (await changed.json())["research_fields"] == ["0101", "04"]  # each once, in his order
    profile = await (await api.get("/api/v1/expert/profile", headers=headers)).json()
    assert profile["research_fields"] == ["0101", "04"]
    # The other expert's stay his own.
    assert (await (await api.get("/api/v1/expert/profile", headers=other)).json())["research_fields"] != ["0101", "04"]

    before = await snapshot(w.container)
    unknown = await api.put(path, headers=headers, json={"field_codes": ["9999"]})
    assert unknown.status == 422 and (await unknown.json())["error"]["code"] == "invalid_tech_field"
    many = await api.put(
        path, headers=headers, json={"field_codes": [f"0{i}" for i in range(1, 9)] + ["0101", "0102", "0103"]}
    )
    assert many.status == 422 and (await many.json())["error"]["code"] == "too_many_research_fields"
    assert await snapshot(w.container) == before
    staff = bearer(await token(w.container, w.a.staff_id))
    refused = await api.put(path, headers=staff, json={"field_codes": ["0101"]})
    assert refused.status == 403

    cleared = await api.put(path, headers=headers, json={"field_codes": []})
    assert (await cleared.json())["research_fields"] == []


async def test_every_answer_matches_its_documented_schema(org: Org, api: TestClient[Any, Any]) -> None:  # noqa: F811
    w, headers = await _world(org)
    demand = await approved(w.a)
    created = await (await api.post("/api/v1/expert/technologies", headers=headers, json=TECH)).json()
    tech = created["technology_id"]
    calls = [
        ("GET", "/expert/profile", None, "200"),
        ("PUT", "/expert/profile", {"title": "教授", "employer": "浙江大学", "introduction": "简介"}, "200"),
        ("PUT", "/expert/research-fields", {"field_codes": ["0101", "04"]}, "200"),
        ("GET", "/expert/technologies", None, "200"),
        ("POST", "/expert/technologies", TECH, "201"),
        ("PUT", "/expert/technologies/{technology_id}", TECH, "200"),
        ("POST", "/expert/technologies/{technology_id}/withdraw", None, "200"),
        ("GET", "/expert/hall", None, "200"),
        ("GET", "/expert/demands/{demand_id}", None, "200"),
        ("POST", "/expert/demands/{demand_id}/docking", None, "200"),
        ("GET", "/expert/demands/{demand_id}/broker", None, "200"),
        ("GET", "/expert/dockings", None, "200"),
        ("DELETE", "/expert/demands/{demand_id}/docking", None, "200"),
    ]
    for method, template, body, status in calls:
        path = "/api/v1" + template.format(technology_id=tech, demand_id=demand)
        response = await api.request(method, path, headers=headers, json=body)
        assert str(response.status) == status, (template, await response.text())
        assert problems(response_schema(method, template, status), await response.json()) == [], template


async def test_a_docked_demand_once_closed_stays_readable_but_leaves_the_hall(
    org: Org, api: TestClient[Any, Any]
) -> None:  # noqa: F811
    w, headers = await _world(org)
    demand = await approved(w.a, title="将被关闭的需求")
    path = f"/api/v1/expert/demands/{demand}"
    assert (await api.post(f"{path}/docking", headers=headers)).status == 200
    await close_demand(CloseDemand(w.a.staff_id, demand, "企业已自行解决"), org.uow)

    assert (await _hall(api, headers))["total"] == 0
    detail = await api.get(path, headers=headers)
    assert detail.status == 200 and (await detail.json())["status_label"] == "已关闭"
    mine = await (await api.get("/api/v1/expert/dockings", headers=headers)).json()
    assert [(d["title"], d["demand_status_label"]) for d in mine["items"]] == [("将被关闭的需求", "已关闭")]
    refused = await api.delete(f"{path}/docking", headers=headers)
    assert refused.status == 409 and (await refused.json())["error"]["code"] == "illegal_transition"
    refused = await api.post(f"{path}/docking", headers=headers)  # docked already: nothing to do, no error
    assert refused.status == 200 and (await refused.json())["status"] == "docked"


async def test_docking_a_closed_demand_after_cancelling_is_a_conflict(org: Org, api: TestClient[Any, Any]) -> None:  # noqa: F811
    w, headers = await _world(org)
    demand = await approved(w.a)
    path = f"/api/v1/expert/demands/{demand}/docking"
    assert (await api.post(path, headers=headers)).status == 200
    assert (await api.delete(path, headers=headers)).status == 200
    await close_demand(CloseDemand(w.a.staff_id, demand, "企业已自行解决"), org.uow)
    refused = await api.post(path, headers=headers)
    assert refused.status == 409 and (await refused.json())["error"] == {
        "code": "illegal_transition",
        "message": "需求当前为「已关闭」，不能对接",
    }
