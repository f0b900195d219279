"""A running sandbox DingTalk on loopback and our client pointed at it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from aiohttp.test_utils import TestServer

from bot.bootstrap import Container
from bot.dingtalk.client import DingTalkClient
from bot.dingtalk.contacts import ContactEvents
from bot.dingtalk.stream import StreamRunner
from bot.dingtalk.wiring import build_router
from bot.settings import DingTalkSettings
from handlers.clock import ManualClock
from sandbox.dingtalk import create_dingtalk_sandbox
from sandbox.dingtalk.state import DingTalkSandboxState, OrgUser
from sandbox.state import Persona, SandboxState
from tests.policies import MEMBERSHIP

PEOPLE = [
    Persona("staff", "张三", "技转人员", "13800000004", dingtalk_userid="dt-zhang"),
    Persona("official", "赵局长", "科技管理人员", "13800000006", dingtalk_userid="dt-zhao"),
    Persona("newcomer", "孙丽", "技转人员", "13800000009"),
]


@dataclass
class DingTalkWorld:
    state: DingTalkSandboxState
    sandbox: SandboxState
    server: TestServer
    base_url: str
    slept: list[float] = field(default_factory=list)

    def settings(self) -> DingTalkSettings:
        return DingTalkSettings(
            api_base_url=self.base_url,
            oapi_base_url=self.base_url,
            client_id=self.state.client_id,
            client_secret=self.state.client_secret,
            agent_id=self.state.agent_id,
            corp_id=self.state.corp_id,
            retry_base_seconds=0.5,
        )


@pytest.fixture
async def world(clock: ManualClock) -> AsyncIterator[DingTalkWorld]:
    sandbox = SandboxState()
    for persona in PEOPLE:
        sandbox.add_person(persona)
    state = DingTalkSandboxState(redelivery_seconds=0.3, disconnect_grace_seconds=0.2, ping_interval_seconds=None)
    state.users["dt-li"] = OrgUser("dt-li", "union-dt-li", "李强", "13800000002")
    server = TestServer(create_dingtalk_sandbox(clock, sandbox, state), host="127.0.0.1")
    await server.start_server()
    yield DingTalkWorld(state, sandbox, server, str(server.make_url("")).rstrip("/"))
    await server.close()


@pytest.fixture
def client(world: DingTalkWorld, container: Container, clock: ManualClock) -> DingTalkClient:
    async def record_sleep(seconds: float) -> None:
        world.slept.append(seconds)
        clock.advance(seconds)

    return DingTalkClient(
        container.http, world.settings(), container.coordination, clock, sleep=record_sleep, jitter=lambda: 1.0
    )


async def eventually(check: Callable[[], bool | Awaitable[bool]], *, within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        result = check()
        if result if isinstance(result, bool) else await result:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met in time")


@pytest.fixture
async def runner(world: DingTalkWorld, client: DingTalkClient, container: Container) -> AsyncIterator[StreamRunner]:
    built = StreamRunner(
        world.settings(),
        build_router(container, client),
        ContactEvents(container.uow, container.clock, policy=MEMBERSHIP),
        reconnect_base_seconds=0.05,
        watchdog_interval_seconds=0.05,
    )
    await built.start()
    await eventually(lambda: len(world.state.connections) == 1)
    yield built
    await built.stop()
