"""需求订阅 over REST: up to five known fields at any level, a field covers its subtree (not its ancestors), bad
input refused with nothing written, and a digest page only for the expert it was sent to."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from store.models.expert_digest import ExpertSubscription
from tests.expert_digest.conftest import DAY, Expert, World, beijing
from tests.organisation.conftest import snapshot

URL = "/api/v1/expert/subscriptions"


async def _put(world: World, expert: Expert, body: Any) -> tuple[int, Any]:
    response = await world.service.client.put(URL, json=body, headers=expert.auth)
    return response.status, await response.json()


async def _codes(world: World, expert: Expert) -> list[str]:
    async with world.container.sessionmaker() as session:
        return sorted(
            await session.scalars(
                select(ExpertSubscription.field_code).where(ExpertSubscription.expert_id == expert.expert_id)
            )
        )


async def test_the_expert_sees_and_replaces_their_fields(world: World) -> None:
    qian = await world.expert("钱学者", "13912340001")
    empty = await world.service.client.get(URL, headers=qian.auth)
    assert await empty.json() == {"fields": [], "max_fields": 5}
    body = await world.subscribe(qian, "01", "0203", "080101", "0203")  # a repeat counts once
    assert body["fields"][0] == {"code": "01", "name": "电子信息", "path": "电子信息"}
    assert [f["code"] for f in body["fields"]] == ["01", "0203", "080101"]
    assert body["fields"][2]["path"].startswith("先进制造与自动化 › ")
    await world.subscribe(qian, "0203", "05")
    assert await _codes(world, qian) == ["0203", "05"]
    shown = await (await world.service.client.get(URL, headers=qian.auth)).json()
    assert [f["code"] for f in shown["fields"]] == ["0203", "05"]
    await world.subscribe(qian)  # nothing: unsubscribed from everything
    assert await _codes(world, qian) == []


async def test_bad_input_is_refused_and_nothing_changes(world: World) -> None:
    qian = await world.expert("钱学者", "13912340001")
    await world.subscribe(qian, "01")
    before = await snapshot(world.container)
    cases: list[tuple[Any, str]] = [
        ({"field_codes": ["01", "02", "03", "04", "05", "06"]}, "too_many_subscriptions"),
        ({"field_codes": ["0109"]}, "unknown_tech_field"),  # 电子信息 has eight fields
        ({"field_codes": ["abc"]}, "unknown_tech_field"),
        ({"field_codes": "01"}, "invalid_field"),
        ({"field_codes": [1]}, "invalid_field"),
        ({}, "missing_field"),
        ({"field_codes": None}, "missing_field"),
        (["01"], "invalid_json"),
    ]
    for body, code in cases:
        status, answer = await _put(world, qian, body)
        assert (status, answer["error"]["code"]) == (422, code), body
        assert answer["error"]["message"]
    assert await snapshot(world.container) == before
    assert await _codes(world, qian) == ["01"]


async def test_a_field_covers_its_descendants_not_its_ancestors(world: World) -> None:
    qian = await world.expert("钱学者", "13912340001")
    await world.subscribe(qian, "010101")  # 基础软件, a level-3 item
    await world.approved("只标了软件大类的需求", "0101")  # its parent: not covered
    covered = await world.approved("操作系统内核优化", "010101")
    await world.approved("嵌入式软件", "010102")  # a sibling: not covered
    result = await world.run(beijing(DAY, 16))
    assert result.messages == 1 and await world.pairs() == {(qian.expert_id, covered)}


async def test_a_digest_page_is_its_experts_only(world: World) -> None:
    qian = await world.expert("钱学者", "13912340001")
    sun = await world.expert("孙学者", "13912340002")
    await world.subscribe(qian, "01")
    await world.approved("工业软件国产化适配方案征集", "0101")
    await world.run(beijing(DAY, 16))
    [digest] = await world.digests()
    other = await world.service.client.get(f"/api/v1/expert/digests/{digest.id}", headers=sun.auth)
    missing = await world.service.client.get(f"/api/v1/expert/digests/{digest.id + 100}", headers=qian.auth)
    assert (other.status, missing.status) == (404, 404)
    assert (await other.json())["error"] == (await missing.json())["error"]
    staff_token = await world.service.client.get(f"/api/v1/expert/digests/{digest.id}")
    assert staff_token.status == 401
