"""`make run`: the demo's 陈教授 is subscribed, and the console's 「触发每日推送」 delivers his digest once."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import build_container
from bot.relay import Relay
from bot.settings import Settings
from bot.web import create_web_app
from handlers.clock import ManualClock
from sandbox.demo import DemoContext, load_demo
from tests.wechat.sandboxed import free_port


async def test_the_console_trigger_sends_the_demo_expert_his_digest(settings: Settings, clock: ManualClock) -> None:
    port = free_port()
    container = await build_container(
        settings.model_copy(update={"sandbox": True, "host": "127.0.0.1", "port": port}), clock=clock
    )
    assert container.sandbox is not None
    await load_demo(
        DemoContext(
            sandbox=container.sandbox,
            clock=clock,
            uow=container.uow,
            membership=container.membership_policy,
            demands=container.demand_policy,
        )
    )
    client = TestClient(TestServer(create_web_app(container), host="127.0.0.1", port=port))
    await client.start_server()
    try:

        async def post(path: str) -> Any:
            response = await client.post(path)
            assert response.status == 200, await response.text()
            return await response.json()

        page = await client.get("/sandbox/")
        assert "触发每日推送" in await page.text()
        done = await post("/sandbox/api/triggers/digest")
        # Every demo demand in 软件 he can see (docking, or published to all institutions) is new to him.
        assert (done["status"], done["messages"], done["pairs"]) == ("finished", 1, 3)
        relay = Relay(
            sessionmaker=container.sessionmaker,
            channels=container.channels,
            coordination=container.coordination,
            clock=clock,
            settings=container.settings.outbox,
            timezone=container.timezone,
        )
        for _ in range(5):
            clock.advance(0.001)
            await relay.run_once()
        items = (await (await client.get("/sandbox/api/people/expert/inbox")).json())["items"]
        [digest] = [i for i in items if i["channel"] == "wechat.template"]
        assert "碳纤维复合材料低成本成型工艺" in digest["body"] and "需求数量：3" in digest["body"]  # newest first
        assert (await post("/sandbox/api/triggers/digest"))["messages"] == 0
        missing = await client.post("/sandbox/api/triggers/nothing")
        assert missing.status == 404
    finally:
        await client.close()
        await container.aclose()
