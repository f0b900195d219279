"""The demo's expert: 陈教授 has a published technology and a docking, seen on his pages, seeded once."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.bootstrap import build_container
from bot.settings import Settings
from bot.web import create_web_app
from handlers.clock import ManualClock
from sandbox.demo import DemoContext, load_demo
from sandbox.demo.expert_pages import EXPERT_MOBILE
from store.models.organisation import Account
from tests.api.conftest import bearer
from tests.expert_channel.conftest import token
from tests.organisation.conftest import snapshot


async def test_the_demo_expert_has_a_technology_and_a_docking(settings: Settings, clock: ManualClock) -> None:
    container = await build_container(settings.model_copy(update={"sandbox": True}), clock=clock)
    try:
        assert container.sandbox is not None
        context = DemoContext(
            sandbox=container.sandbox,
            clock=clock,
            uow=container.uow,
            membership=container.membership_policy,
            demands=container.demand_policy,
        )
        assert "expert_pages" in await load_demo(context)
        before = await snapshot(container)
        await load_demo(context)
        assert await snapshot(container) == before

        async with container.sessionmaker() as session:
            account = await session.scalar(select(Account.id).where(Account.mobile == EXPERT_MOBILE))
        headers = bearer(await token(container, account))
        async with TestClient(TestServer(create_web_app(container))) as api:

            async def get(path: str) -> Any:
                response = await api.get("/api/v1" + path, headers=headers)
                assert response.status == 200, await response.text()
                return await response.json()

            dockings = await get("/expert/dockings")
            assert [(d["title"], d["status"]) for d in dockings["items"]] == [("晶圆清洗设备国产化控制软件", "docked")]
            assert [t["title"] for t in (await get("/expert/technologies"))["items"]] == ["高强韧铝合金短流程制备技术"]
            assert (await get("/expert/profile"))["name"] == "陈教授"
    finally:
        await container.aclose()
