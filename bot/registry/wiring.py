"""Configuration chooses the business registry: 企查查 when configured, the sandbox's offline 企查查 in sandbox
mode, and otherwise none (manual entry only, which the pages are told)."""

from __future__ import annotations

import aiohttp

from bot.registry.qichacha import QichachaRegistry
from bot.settings import Settings
from handlers.enterprises.ports import BusinessRegistry


def build_registry(settings: Settings, http: aiohttp.ClientSession) -> BusinessRegistry | None:
    cfg = settings.registry
    if cfg.provider == "qichacha":
        return QichachaRegistry(
            http,
            base_url=cfg.api_base_url,
            app_key=cfg.app_key,
            secret_key=cfg.secret_key.get_secret_value(),
            timeout_seconds=cfg.timeout_seconds,
        )
    if settings.sandbox:
        from sandbox.qichacha import SANDBOX_QICHACHA  # sandbox mode only

        return QichachaRegistry(
            http,
            base_url=f"{settings.base_url}/sandbox/qichacha",
            app_key=SANDBOX_QICHACHA.app_key,
            secret_key=SANDBOX_QICHACHA.secret_key,
            timeout_seconds=cfg.timeout_seconds,
        )
    return None
