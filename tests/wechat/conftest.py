"""A container whose settings configure an official account (safe mode, with a previous key)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from pydantic import SecretStr

from bot.bootstrap import Container, build_container
from bot.settings import Settings, WeChatSettings
from bot.web import create_web_app
from handlers.clock import ManualClock
from tests.served import ServedApp
from tests.wechat.pushes import AES_KEY, APP_ID, OLD_AES_KEY, TOKEN
from tests.wechat.sandboxed import service  # noqa: F401  (a fixture)


@pytest.fixture
def wechat_settings(settings: Settings) -> Settings:
    wechat = WeChatSettings(
        api_base_url="http://127.0.0.1:9/not-used",
        app_id=APP_ID,
        app_secret=SecretStr("app-secret"),
        token=SecretStr(TOKEN),
        encoding_aes_key=SecretStr(AES_KEY),
        previous_encoding_aes_key=SecretStr(OLD_AES_KEY),
    )
    return settings.model_copy(update={"wechat": wechat})


@pytest.fixture
def compatible_settings(wechat_settings: Settings) -> Settings:
    wechat = wechat_settings.wechat.model_copy(update={"message_mode": "compatible"})
    return wechat_settings.model_copy(update={"wechat": wechat})


@pytest.fixture
async def compatible_client(
    compatible_settings: Settings, clock: ManualClock
) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    built = await build_container(compatible_settings, clock=clock)
    try:
        async with TestClient(ServedApp(create_web_app(built))) as client:
            yield client
    finally:
        await built.aclose()


@pytest.fixture
async def wx_container(wechat_settings: Settings, clock: ManualClock) -> AsyncIterator[Container]:
    built = await build_container(wechat_settings, clock=clock)
    yield built
    await built.aclose()


@pytest.fixture
async def wx_client(wx_container: Container) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    async with TestClient(ServedApp(create_web_app(wx_container))) as client:
        yield client
