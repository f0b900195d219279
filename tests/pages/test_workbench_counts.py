"""GET /api/v1/workbench on the demo: each person's counts, scoped to them, and moving as their work does."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.bootstrap import Container, build_container
from bot.settings import Settings
from bot.web import create_web_app
from handlers.auth.sessions import issue_session
from handlers.clock import ManualClock
from handlers.follow_ups.add_follow_up import AddDemandFollowUp, add_demand_follow_up
from sandbox.demo import DemoContext, load_demo
from store.models.auth import SessionKind
from store.models.demands import Demand, DemandStatus
from store.models.organisation import Account
from tests.api.conftest import bearer


@pytest.fixture
async def demo(settings: Settings, clock: ManualClock) -> AsyncIterator[Container]:
    container = await build_container(settings.model_copy(update={"sandbox": True}), clock=clock)
    assert container.sandbox is not None
    await load_demo(
        DemoContext(
            sandbox=container.sandbox,
            clock=clock,
            uow=container.uow,
            membership=container.membership_policy,
            files=container.files,
            demands=container.demand_policy,
        )
    )
    yield container
    await container.aclose()


async def tokens(container: Container, *names: str) -> dict[str, dict[str, str]]:
    async with container.uow() as uow:
        accounts = {a.name: a.id for a in await uow.session.scalars(select(Account))}
        issued = {
            name: bearer((await issue_session(uow, container.auth_policy, accounts[name], SessionKind.MICRO_APP)).token)
            for name in names
        }
        await uow.commit()
    return issued


async def test_each_person_sees_their_own_counts(demo: Container, clock: ManualClock) -> None:
    who = await tokens(demo, "张三", "李强", "陈教授", "赵局长")
    async with TestClient(TestServer(create_web_app(demo))) as api:

        async def counts(name: str) -> Any:
            response = await api.get("/api/v1/workbench", headers=who[name])
            assert response.status == 200, await response.text()
            return await response.json()

        async def total(name: str, path: str) -> int:
            response = await api.get("/api/v1" + path, headers=who[name])
            assert response.status == 200, await response.text()
            return int((await response.json())["total"])

        zhang = await counts("张三")
        # The same numbers the other pages show: 对接中 and 已公开 demands, the points ledger's total.
        docking = await total("张三", "/demands?status=docking") + await total("张三", "/demands?status=published")
        points = (await (await api.get("/api/v1/points/me", headers=who["张三"])).json())["total_points"]
        assert zhang == {
            "pending_reviews": 0,
            "overdue_reviews": 0,
            "follow_ups_due": 0,  # the demo's docking demands have only just been approved
            "docking_demands": docking,
            "points": points,
        }
        assert docking > 0 and points > 0

        li = await counts("李强")  # the institution admin reviews; he has no points ledger and docks nothing
        waiting = (await (await api.get("/api/v1/reviews/mine", headers=who["李强"])).json())["waiting"]
        assert li["pending_reviews"] == waiting >= 1
        assert li["points"] is None and li["follow_ups_due"] is None and li["docking_demands"] >= docking

        chen = await counts("陈教授")  # an expert sees no demands through the staff's pages
        assert chen == {
            "pending_reviews": 0,
            "overdue_reviews": 0,
            "follow_ups_due": None,
            "docking_demands": None,
            "points": None,
        }
        assert (await counts("赵局长"))["docking_demands"] >= docking  # 杭州市 covers 钱塘区

        # Five days of silence (three working days have passed): every demand 张三 docks is due a follow-up;
        # recording one clears that demand.
        clock.advance(timedelta(days=5).total_seconds())
        due = (await counts("张三"))["follow_ups_due"]
        assert due == docking
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
        assert (await counts("张三"))["follow_ups_due"] == due - 1


async def test_the_counts_need_a_session(demo: Container) -> None:
    async with TestClient(TestServer(create_web_app(demo))) as api:
        response = await api.get("/api/v1/workbench")
        assert response.status == 401
