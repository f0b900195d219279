"""`make run`: 张三 has pushed the demo's docking demand to 陈教授, whose phone shows the template message once the
relay runs; a restart does not push again."""

from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.bootstrap import build_container
from bot.relay import Relay
from bot.settings import Settings
from bot.web import create_web_app
from handlers.clock import ManualClock
from sandbox.demo import DemoContext, load_demo
from store.models.demands import Demand
from store.models.expert_pushes import ExpertPush
from tests.wechat.sandboxed import free_port


async def test_the_demo_push_reaches_chen(settings: Settings, clock: ManualClock) -> None:
    port = free_port()  # as `make run` does: the demo is loaded before the web app (and the fakes) start
    container = await build_container(
        settings.model_copy(update={"sandbox": True, "host": "127.0.0.1", "port": port}), clock=clock
    )
    assert container.sandbox is not None and container.expert_push_policy is not None
    context = DemoContext(
        sandbox=container.sandbox,
        clock=clock,
        uow=container.uow,
        membership=container.membership_policy,
        files=container.files,
        expert_push=container.expert_push_policy,
        demands=container.demand_policy,
    )
    await load_demo(context)
    client = TestClient(TestServer(create_web_app(container), host="127.0.0.1", port=port))
    await client.start_server()
    try:
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
        flushed = await client.post("/sandbox/wechat/__sandbox__/flush")  # WeChat's TEMPLATESENDJOBFINISH report
        assert flushed.status == 200
        async with container.sessionmaker() as session:
            [(push, title)] = (
                await session.execute(select(ExpertPush, Demand.title).join(Demand, Demand.id == ExpertPush.demand_id))
            ).all()
        assert push.status == "delivered" and title == "晶圆清洗设备国产化控制软件"  # WeChat reported it
        items = (await (await client.get("/sandbox/api/people/expert/inbox")).json())["items"]
        assert any(title in i["body"] for i in items if i["channel"].startswith("wechat"))

        await load_demo(context)  # a restart of `make run`
        async with container.sessionmaker() as session:
            assert len((await session.scalars(select(ExpertPush.id))).all()) == 1
    finally:
        await client.close()
        await container.aclose()
