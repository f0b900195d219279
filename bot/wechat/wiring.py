"""Wires the channels of issue #4 into the container: WeChat (template, customer service) and SMS."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.sms.wiring import wire_sms
from bot.wechat.channels import FollowerGate, WeChatCustomChannel, WeChatTemplateChannel
from bot.wechat.client import WeChatClient
from bot.wechat.config import resolve_wechat_config

if TYPE_CHECKING:
    from bot.bootstrap import Container


def wire_wechat(container: Container) -> None:
    config = resolve_wechat_config(container.settings)
    if config is not None:
        client = WeChatClient(
            container.http, container.coordination,
            base_url=config.api_base_url, app_id=config.app_id, app_secret=config.app_secret,
        )
        gate = FollowerGate(config.app_id, container.uow)
        for channel in (
            WeChatTemplateChannel(client, gate, container.clock, container.timezone),
            WeChatCustomChannel(client, gate, container.clock, container.timezone),
        ):
            container.channels[channel.name] = channel
    wire_sms(container)
