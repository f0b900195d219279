"""`make run` delivers what the README promises: the demo seeds its demands before anyone is in DingTalk, and the
cards waiting for them go out as each demo person is taken in — 李强's review card and to-do, 张三's docking card.

The demo is seeded in sandbox mode with the service on a loopback port, then the relay runs until nothing is left,
as it does in `make run`; what the sandbox DingTalk holds, and the people's phones show, is checked."""

from __future__ import annotations

from typing import Any

from bot.relay import Relay
from bot.settings import Settings
from handlers.clock import ManualClock
from sandbox.demo import DemoContext, load_demo
from tests.wechat.sandboxed import Service, start_service


async def test_make_run_brings_the_review_and_docking_cards_to_the_phones(
    settings: Settings, clock: ManualClock
) -> None:
    async for service in start_service(settings, clock):
        await _check(service, clock)


async def _check(service: Service, clock: ManualClock) -> None:
    c = service.container
    assert c.sandbox is not None
    await load_demo(
        DemoContext(
            sandbox=c.sandbox,
            clock=clock,
            uow=c.uow,
            membership=c.membership_policy,
            files=c.files,
            expert_push=c.expert_push_policy,
            demands=c.demand_policy,
        )
    )
    relay = Relay(
        sessionmaker=c.sessionmaker,
        channels=c.channels,
        coordination=c.coordination,
        clock=clock,
        settings=c.settings.outbox,
        timezone=c.timezone,
    )
    # The relay as `make run` runs it, until a round sends nothing (the console's test channel is not wired here).
    for _ in range(20):
        clock.advance(31)  # past any back-off
        if await relay.run_once() == 0:
            break

    state = await service.call("GET", "/sandbox/dingtalk/_fake/state")
    cards: list[dict[str, Any]] = list(state["cards"].values())
    reviews = [card for card in cards if card["templateId"] == "kezhuan.review.schema"]
    # 李强 reviews the one pending demand (待审核) of 张三's; the others he decided while seeding.
    assert [(card["userId"], card["cardParamMap"]["title"]) for card in reviews] == [
        ("dt-li", "刻蚀腔体温度场仿真优化")
    ]
    dockings = [card for card in cards if card["templateId"] == "kezhuan.expert_docking.schema"]
    assert [card["userId"] for card in dockings] == ["dt-zhang"]
    assert "陈教授" in str(dockings[0]["cardParamMap"])
    todos = [t for t in state["todos"] if not t["done"]]
    assert [t["subject"] for t in todos] == ["需求审核：刻蚀腔体温度场仿真优化"]

    # And on the phones the console shows.
    li = {
        (i["channel"], i["title"]) for i in (await service.call("GET", "/sandbox/api/people/inst-admin/inbox"))["items"]
    }
    assert ("dingtalk.card", "需求审核：刻蚀腔体温度场仿真优化") in li
    assert ("dingtalk.todo", "待办 · 需求审核：刻蚀腔体温度场仿真优化") in li
    zhang = [
        i
        for i in (await service.call("GET", "/sandbox/api/people/staff/inbox"))["items"]
        if i["channel"] == "dingtalk.card"
    ]
    assert any("陈教授" in i["body"] for i in zhang), zhang
