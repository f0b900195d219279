"""What an end-to-end test through the sandbox DingTalk needs: settings pointing at the sandbox, our Stream runner
connected to its gateway, the web app, and the console phone of a person. Import the fixtures into the test module
(with `world` from tests.dingtalk.conftest)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import Container
from bot.dingtalk.stream import StreamRunner
from bot.dingtalk.wiring import build_stream
from bot.settings import Settings
from bot.web import create_web_app
from sandbox.dingtalk.state import OrgUser
from sandbox.state import InboxItem, Persona
from tests.dingtalk.conftest import DingTalkWorld, eventually


@pytest.fixture
def settings(settings: Settings, world: DingTalkWorld) -> Settings:
    return settings.model_copy(update={"dingtalk": world.settings()})


@pytest.fixture
async def stream(container: Container, world: DingTalkWorld) -> AsyncIterator[StreamRunner]:
    runner = build_stream(container, reconnect_base_seconds=0.05, watchdog_interval_seconds=0.05)
    assert runner is not None
    await runner.start()
    await eventually(lambda: len(world.state.connections) == 1)
    yield runner
    await runner.stop()


@pytest.fixture
async def api(container: Container) -> AsyncIterator[TestClient[Any, Any]]:
    async with TestClient(TestServer(create_web_app(container))) as client:
        yield client


def phone(world: DingTalkWorld, mobile: str, channel: str) -> list[InboxItem]:
    persona = world.sandbox.find(mobile)
    assert persona is not None, f"no phone for {mobile} in the console"
    return [i for i in world.sandbox.inbox[persona.id] if i.channel == channel]


def on_phone(world: DingTalkWorld, role: str, name: str, mobile: str, userid: str, title: str | None = None) -> None:
    """The person's console phone, and their DingTalk user in the sandbox organisation."""
    world.sandbox.add_person(Persona(role, name, title or role, mobile, dingtalk_userid=userid))
    world.state.users[userid] = OrgUser(userid, f"union-{userid}", name, mobile)
