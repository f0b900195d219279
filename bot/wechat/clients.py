"""The two WeChat apps we call: the official account and the mini-program, each with its own token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.wechat.client import MiniProgramClient, WeChatClient
from bot.wechat.config import WeChatConfig, resolve_wechat_config

if TYPE_CHECKING:
    from bot.bootstrap import Container


@dataclass(frozen=True)
class WeChatClients:
    official_account: WeChatClient
    mini_program: MiniProgramClient | None  # None when no mini-program is configured


def build_wechat_clients(container: Container, config: WeChatConfig) -> WeChatClients:
    """Cheap to build: tokens live in Coordination under each appid, shared by every instance."""
    official = WeChatClient(
        container.http,
        container.coordination,
        base_url=config.api_base_url,
        app_id=config.app_id,
        app_secret=config.app_secret,
    )
    mini = (
        MiniProgramClient(
            container.http,
            container.coordination,
            base_url=config.api_base_url,
            app_id=config.miniapp_app_id,
            app_secret=config.miniapp_app_secret,
        )
        if config.miniapp_app_id
        else None
    )
    return WeChatClients(official, mini)


def wechat_clients(container: Container) -> WeChatClients | None:
    """For callers such as mini-program login; None when no official account is configured."""
    config = resolve_wechat_config(container.settings)
    return None if config is None else build_wechat_clients(container, config)
