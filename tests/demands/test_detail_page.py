"""Where a card's 查看详情 leads: the workbench this service hosts, in production as in the sandbox, unless set."""

from __future__ import annotations

from dataclasses import replace

from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import build_container, demand_policy
from bot.settings import Settings
from bot.web import create_web_app
from handlers.demands.submit_demand import SubmitDemand, submit_demand
from tests.demands.conftest import FIELDS, Bench, outbox, reviews_of

PUBLIC = "https://kezhuan.example.cn"


async def test_production_cards_open_the_hosted_demand_page_at_the_public_base_url(bench: Bench) -> None:
    settings = Settings(sandbox=False, public_base_url=PUBLIC)
    policy = demand_policy(settings)
    submitted = await submit_demand(
        SubmitDemand(bench.staff_id, bench.enterprise_id, replace(FIELDS), False), bench.org.uow, policy
    )
    link = f"{PUBLIC}/m/workbench/#/demands/{submitted.demand_id}"
    [review] = await reviews_of(bench.container, submitted.demand_id)
    assert review.link == link
    # The admin's review card carries it behind 查看详情.
    cards = [m for m in await outbox(bench.container, "dingtalk.card") if link in str(m.payload)]
    assert cards, "the review card does not link the hosted demand page"


async def test_a_configured_detail_page_wins_over_the_hosted_one() -> None:
    settings = Settings(public_base_url=PUBLIC, demands={"detail_page": "https://elsewhere.example.cn/d/"})
    assert demand_policy(settings).link(7) == "https://elsewhere.example.cn/d/7"


async def test_outside_the_sandbox_the_page_the_link_names_is_served(settings: Settings) -> None:
    assert not settings.sandbox
    container = await build_container(settings)
    try:
        async with TestClient(TestServer(create_web_app(container))) as client:
            response = await client.get("/m/workbench/")
            assert response.status == 200
            assert "供需荟工作台" in await response.text()
    finally:
        await container.aclose()
