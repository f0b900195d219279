"""Wires WeChat (template, customer service) and SMS into the container,
and their inbound routes (the official account's callback, SMS receipts) into the web app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from bot.sms.receipts import add_sms_routes
from bot.sms.wiring import wire_sms
from bot.wechat.channels import FollowerGate, WeChatCustomChannel, WeChatTemplateChannel
from bot.wechat.clients import build_wechat_clients
from bot.wechat.config import resolve_wechat_config
from bot.wechat.invite_channel import InviteQrcodeChannel
from bot.wechat.invite_page import add_invite_page
from bot.wechat.webhook import add_wechat_routes

if TYPE_CHECKING:
    from bot.bootstrap import Container


def wire_wechat(container: Container) -> None:
    config = resolve_wechat_config(container.settings)
    if config is not None:
        client = build_wechat_clients(container, config).official_account
        gate = FollowerGate(config.app_id, container.uow)
        for channel in (
            WeChatTemplateChannel(client, gate, container.clock, container.timezone),
            WeChatCustomChannel(client, gate, container.clock, container.timezone),
        ):
            container.channels[channel.name] = channel
        invites = InviteQrcodeChannel(client, container.uow, sms_template=container.settings.sms.expert_invite_template)
        container.channels[invites.name] = invites
    wire_sms(container)


def add_channel_routes(app: web.Application, container: Container) -> None:
    add_wechat_routes(app, container)
    add_invite_page(app, container)
    add_sms_routes(app, container)
