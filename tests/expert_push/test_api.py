"""The expert-push pages: suggestions with their reasons, the push, the list with delivery status; bad input
answers with a stable code and writes nothing."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bot.web import create_web_app
from tests.api.conftest import World, api, bearer  # noqa: F401  (a fixture)
from tests.expert_push.support import Desk
from tests.organisation.conftest import snapshot


async def _call(
    api: TestClient[Any, Any],
    method: str,
    path: str,
    token: str,  # noqa: F811
    json: Any = None,
) -> tuple[int, Any]:
    response = await api.request(method, "/api/v1" + path, headers=bearer(token), json=json)
    return response.status, await response.json()


async def test_suggest_push_and_list_through_the_pages(api: TestClient[Any, Any], desk: Desk) -> None:  # noqa: F811
    li = await desk.expert("李封装", "13900000101", fields=("010203",), region="330106", openid="o-li")
    world = World(desk.bench.org)
    staff, admin = await world.token(desk.bench.staff_id), await world.token(desk.bench.admin_id)
    base = f"/demands/{desk.demand_id}"

    status, suggested = await _call(api, "GET", f"{base}/expert-suggestions?field=0102&region=330100", staff)
    assert status == 200
    assert [(s["expert_id"], s["name"], s["reasons"]) for s in suggested["items"]] == [
        (li, "李封装", ["研究领域匹配：集成电路封装技术", "同一地区"])
    ]

    status, pushed = await _call(api, "POST", f"{base}/expert-pushes", staff, {"expert_ids": [li]})
    assert status == 201 and pushed["items"][0]["expert_id"] == li and pushed["items"][0]["repeat"] is False

    status, listed = await _call(api, "GET", f"{base}/expert-pushes", admin)  # the institution admin sees them
    assert status == 200
    [row] = listed["items"]
    assert (row["expert_name"], row["status"], row["score"], row["pushed_by"]) == ("李封装", "sending", 4.0, "张三")
    assert row["status_label"] == "发送中"
    assert row["reasons"] == ["研究领域匹配：集成电路封装技术", "同一地区"] and row["sent_at"] is None


async def test_bad_input_is_refused_with_a_code_and_nothing_written(
    api: TestClient[Any, Any],  # noqa: F811
    desk: Desk,
) -> None:
    gone = await desk.expert("钱未关注", "13900000103", openid="o-qian", following=False)
    staff = await World(desk.bench.org).token(desk.bench.staff_id)
    base = f"/demands/{desk.demand_id}"
    before = await snapshot(desk.container)
    cases: list[tuple[str, str, Any, int, str]] = [
        ("POST", f"{base}/expert-pushes", {"expert_ids": "1"}, 422, "invalid_field"),
        ("POST", f"{base}/expert-pushes", {"expert_ids": ["1"]}, 422, "invalid_field"),
        ("POST", f"{base}/expert-pushes", {"expert_ids": [True]}, 422, "invalid_field"),
        ("POST", f"{base}/expert-pushes", {}, 422, "invalid_field"),
        ("POST", f"{base}/expert-pushes", {"expert_ids": []}, 422, "expert_ids_required"),
        ("POST", f"{base}/expert-pushes", {"expert_ids": [gone]}, 409, "expert_not_following"),
        ("POST", f"{base}/expert-pushes", {"expert_ids": [987654]}, 404, "expert_not_found"),
        ("POST", "/demands/987654/expert-pushes", {"expert_ids": [gone]}, 404, "not_found"),
        ("GET", f"{base}/expert-suggestions?field=abc", None, 422, "invalid_tech_field"),
        ("GET", f"{base}/expert-suggestions?region=12", None, 422, "invalid_region"),
        ("GET", f"{base}/expert-suggestions?employer={'长' * 129}", None, 422, "invalid_field"),
    ]
    for method, path, body, status, code in cases:
        got, answer = await _call(api, method, path, staff, body)
        assert (got, answer["error"]["code"]) == (status, code), (path, body, answer)
        assert answer["error"]["message"]
    assert await snapshot(desk.container) == before


async def test_without_an_official_account_pushing_is_unavailable(desk: Desk) -> None:
    # The test settings configure no official account (the api fixture lends its pages one).
    assert desk.container.expert_push_policy is None
    staff = await World(desk.bench.org).token(desk.bench.staff_id)
    async with TestClient(TestServer(create_web_app(desk.container))) as unconfigured:
        status, answer = await _call(unconfigured, "GET", f"/demands/{desk.demand_id}/expert-suggestions", staff)
    assert (status, answer["error"]["code"]) == (503, "wechat_not_configured")
