"""`kezhuan demo`'s organisation: seeded through the use cases, visible through the pages, seeded once."""

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


async def test_the_demo_organisation(settings: Settings, clock: ManualClock) -> None:
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
        assert "organisation" in await load_demo(context)
        before = await snapshot(container)
        await load_demo(context)  # a restart against the same database seeds nothing twice
        assert await snapshot(container) == before

        uow = container.uow()
        async with uow:
            accounts = {a.name: a.id for a in await uow.session.scalars(select(Account))}
            tokens = {}
            for name in ("李强", "赵局长", "张三"):
                tokens[name] = bearer(
                    (await issue_session(uow, container.auth_policy, accounts[name], SessionKind.MICRO_APP)).token
                )
            await uow.commit()
        async with TestClient(TestServer(create_web_app(container))) as api:

            async def get(path: str, who: str) -> Any:
                response = await api.get("/api/v1" + path, headers=tokens[who])
                assert response.status == 200, await response.text()
                return await response.json()

            centres = await get("/centres", "赵局长")  # a 杭州市 official sees both districts
            assert sorted((c["name"], c["region_code"]) for c in centres["items"]) == [
                ("杭州西湖分中心", "330106"),
                ("杭州钱塘分中心", "330114"),
            ]
            staff = await get("/staff", "李强")
            assert sorted(s["name"] for s in staff["items"]) == ["周婷", "孙丽", "张三"]
            experts = await get("/experts", "张三")
            chen = next(e for e in experts["items"] if e["name"] == "陈教授")
            page = await get(f"/experts/{chen['expert_id']}", "张三")
            assert len(page["research_results"]) == 2 and len(page["technical_solutions"]) == 1
            assert [len(link["follow_ups"]) for link in page["links"]] == [1]
            enterprises = await get("/enterprises", "赵局长")
            assert {e["name"] for e in enterprises["items"]} == {
                "杭州新远材料有限公司",
                "杭州云栖智能传感科技有限公司",
                "杭州钱塘半导体装备有限公司",
            }
            xinyuan = next(e for e in enterprises["items"] if e["name"] == "杭州新远材料有限公司")
            detail = await get(f"/enterprises/{xinyuan['enterprise_id']}", "李强")
            assert [(c["name"], c["phone"]) for c in detail["contacts"]] == [("刘经理", "13800000007")]
            [institution] = (await get("/institutions", "赵局长"))["items"]
            codes = await get(f"/institutions/{institution['institution_id']}/invitation-codes", "李强")
            assert [c["status"] for c in codes["items"]] == ["active"]
    finally:
        await container.aclose()
