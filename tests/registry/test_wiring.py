"""Configuration chooses the registry: none by default (manual entry only), 企查查 when configured with its
credentials, the sandbox's offline 企查查 in sandbox mode."""

from __future__ import annotations

import aiohttp
import pytest
from pydantic import ValidationError

from bot.registry.qichacha import QichachaRegistry
from bot.registry.wiring import build_registry
from bot.settings import Settings
from handlers.enterprises.enterprise_registry import registry_status
from sandbox.qichacha import SANDBOX_QICHACHA


async def test_the_settings_choose_the_adapter() -> None:
    async with aiohttp.ClientSession() as http:
        assert build_registry(Settings(), http) is None
        assert registry_status(None).configured is False

        live = build_registry(Settings(registry={"provider": "qichacha", "app_key": "k", "secret_key": "s"}), http)
        assert isinstance(live, QichachaRegistry) and live.base_url == "https://api.qichacha.com"
        assert registry_status(live).provider == "qichacha"

        sandboxed = build_registry(Settings(sandbox=True, port=9100), http)
        assert isinstance(sandboxed, QichachaRegistry)
        assert sandboxed.base_url == "http://127.0.0.1:9100/sandbox/qichacha"
        assert sandboxed.app_key == SANDBOX_QICHACHA.app_key


def test_a_provider_without_credentials_is_refused_at_start_up() -> None:
    with pytest.raises(ValidationError, match="needs registry app_key and secret_key"):
        Settings(registry={"provider": "qichacha", "app_key": "k"})
    with pytest.raises(ValidationError):
        Settings(registry={"provider": "tianyancha", "app_key": "k", "secret_key": "s"})
