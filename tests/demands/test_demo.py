"""The demo demands: seeded through the use cases in several states, visible through the pages, seeded once."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.bootstrap import build_container
from bot.settings import Settings
from bot.web import create_web_app
from handlers.auth.sessions import issue_session
from handlers.clock import ManualClock
from sandbox.demo import DemoContext, load_demo
from store.models.auth import SessionKind
from store.models.organisation import Account
from tests.api.conftest import bearer
from tests.organisation.conftest import snapshot


async def test_the_demo_demands(settings: Settings, clock: ManualClock) -> None:
    container = await build_container(settings.model_copy(update={"sandbox": True}), clock=clock)
    try:
        assert container.sandbox is not None
        context = DemoContext(
            sandbox=container.sandbox,
            clock=clock,
            uow=container.uow,
            membership=container.membership_policy,
            files=container.files,
            demands=container.demand_policy,
        )
        assert "demands" in await load_demo(context)
        before = await snapshot(container)
        await load_demo(context)
        assert await snapshot(container) == before

        async with container.uow() as uow:
            accounts = {a.name: a.id for a in await uow.session.scalars(select(Account))}
            tokens = {
                name: bearer(
                    (await issue_session(uow, container.auth_policy, accounts[name], SessionKind.MICRO_APP)).token
                )
                for name in ("李强", "张三", "赵局长")
            }
            await uow.commit()
        async with TestClient(TestServer(create_web_app(container))) as api:

            async def get(path: str, who: str) -> Any:
                response = await api.get("/api/v1" + path, headers=tokens[who])
                assert response.status == 200, await response.text()
                return await response.json()

            mine = await get("/demands", "张三")
            assert sorted(d["status_label"] for d in mine["items"]) == sorted(
                ["对接中", "待审核", "退回修改", "审核不通过", "草稿", "已关闭", "已完成", "已公开"]
            )
            official = await get("/demands", "赵局长")  # 杭州市: every Hangzhou demand, the pooled one included
            assert official["total"] == 9
            projects = await get("/projects", "李强")
            assert [p["name"] for p in projects["items"]] == ["晶圆传输机械手高精度定位技术开发"]
            [published] = (await get("/publications?side=published", "李强"))["items"]
            assert (published["demand_title"], published["audience"], published["status"]) == (
                "碳纤维复合材料低成本成型工艺",
                "all",
                "open",
            )
            pool = await get("/demand-pool", "李强")
            assert [(d["title"], d["can_take_up"], d["take_up_refusal"]) for d in pool["items"]] == [
                ("新能源电池壳体轻量化材料", True, None)
            ]  # 8 % meets the institution's 6 %
            docking = next(d for d in mine["items"] if d["status"] == "docking")
            detail = await get(f"/demands/{docking['demand_id']}", "张三")
            assert [(s["action"], s["actor_name"]) for s in detail["timeline"]] == [
                ("submit", "张三"),
                ("approve", "李强"),
                ("expert_dock", "陈教授"),
            ]  # the expert-pages seed
    finally:
        await container.aclose()
