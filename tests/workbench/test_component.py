"""GET /api/v1/workbench/component on the demo: the DingTalk workbench component's data for each person — their
own counts only, the items their roles have, moving as a review waits or is decided and a follow-up falls due."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.bootstrap import Container
from bot.web import create_web_app
from handlers.clock import ManualClock
from handlers.follow_ups.add_follow_up import AddDemandFollowUp, add_demand_follow_up
from store.models.demands import Demand, DemandStatus
from store.models.organisation import Account
from tests.pages.test_workbench_counts import demo, tokens  # noqa: F401  (the demo fixture)


async def test_each_person_sees_their_own_live_counts(demo: Container, clock: ManualClock) -> None:  # noqa: F811
    who = await tokens(demo, "张三", "李强", "陈教授", "赵局长")
    async with TestClient(TestServer(create_web_app(demo))) as api:

        async def component(name: str) -> dict[str, Any]:
            response = await api.get("/api/v1/workbench/component", headers=who[name])
            assert response.status == 200, await response.text()
            body = await response.json()
            assert body["title"] and body["url"].endswith("/m/workbench/") and body["updated_at"]
            for item in body["items"]:
                assert item["url"].startswith(body["url"] + "#/") and item["label"]
            return {item["key"]: item for item in body["items"]}

        async def get(name: str, path: str) -> Any:
            response = await api.get("/api/v1" + path, headers=who[name])
            assert response.status == 200, await response.text()
            return await response.json()

        # Each person's items are the ones their roles have, with the numbers their own pages show.
        zhang = await component("张三")
        assert list(zhang) == ["pending_reviews", "follow_ups_due", "points"]
        assert zhang["points"]["value"] == (await get("张三", "/points/me"))["total_points"] > 0
        assert zhang["pending_reviews"]["value"] == 0 and zhang["follow_ups_due"]["value"] == 0
        li = await component("李强")
        mine = await get("李强", "/reviews/mine")
        assert list(li) == ["pending_reviews"] and li["pending_reviews"]["value"] == mine["waiting"] >= 1
        for name in ("陈教授", "赵局长"):  # an expert and an official: no reviews of theirs waiting, nothing else
            assert {k: v["value"] for k, v in (await component(name)).items()} == {"pending_reviews": 0}

        # A decision takes the review off 李强's count and nobody else's changes.
        review = mine["items"][0]
        response = await api.post(
            f"/api/v1/reviews/{review['review_id']}/decision",
            json={"stage": review["stage"], "decision": "approve"},
            headers=who["李强"],
        )
        assert response.status == 200, await response.text()
        assert (await component("李强"))["pending_reviews"]["value"] == li["pending_reviews"]["value"] - 1
        assert (await component("张三"))["pending_reviews"]["value"] == 0

        # Five days of silence: every demand 张三 docks is due a follow-up, shown as such; recording one clears it.
        clock.advance(timedelta(days=5).total_seconds())
        due = (await component("张三"))["follow_ups_due"]
        docking = (await get("张三", "/workbench"))["follow_ups_due"]
        assert due["value"] == docking > 0 and due["alert"] and due["note"]
        async with demo.uow() as uow:
            zhang_id = await uow.session.scalar(select(Account.id).where(Account.name == "张三"))
            first = await uow.session.scalar(
                select(Demand.id)
                .where(Demand.staff_account_id == zhang_id, Demand.status == DemandStatus.DOCKING)
                .order_by(Demand.id)
                .limit(1)
            )
        assert zhang_id is not None and first is not None
        await add_demand_follow_up(
            AddDemandFollowUp(zhang_id, first, "phone", clock.now(), "电话沟通，企业确认需求细节。"), demo.uow()
        )
        assert (await component("张三"))["follow_ups_due"]["value"] == docking - 1
        assert "follow_ups_due" not in await component("李强")  # the admin docks nothing: no such item


async def test_the_component_needs_a_session(demo: Container) -> None:  # noqa: F811
    async with TestClient(TestServer(create_web_app(demo))) as api:
        response = await api.get("/api/v1/workbench/component")
        assert response.status == 401
        response = await api.get("/api/v1/workbench/component", headers={"Authorization": "Bearer forged"})
        assert response.status == 401
