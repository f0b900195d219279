"""Wires WeChat (template, customer service) and SMS into the container,
and their inbound routes (the official account's callback, SMS receipts) into the web app."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from aiohttp import web

from bot.settings import Settings
from bot.sms.receipts import add_sms_routes
from bot.sms.wiring import wire_sms
from bot.wechat.channels import FollowerGate, WeChatCustomChannel, WeChatTemplateChannel
from bot.wechat.clients import build_wechat_clients
from bot.wechat.config import WeChatConfig, resolve_wechat_config
from bot.wechat.expert_push_channel import ExpertPushChannel
from bot.wechat.invite_channel import InviteQrcodeChannel
from bot.wechat.invite_page import add_invite_page
from bot.wechat.menu_channel import MenuChannel
from bot.wechat.menu_rules import menu_payload
from bot.wechat.webhook import add_wechat_routes
from handlers.expert_push.policy import ExpertPushPolicy
from handlers.wechat.publish_menu import MenuPublished, PublishMenu, publish_menu

if TYPE_CHECKING:
    from bot.bootstrap import Container


def wire_wechat(container: Container) -> None:
    config = resolve_wechat_config(container.settings)
    if config is not None:
        client = build_wechat_clients(container, config).official_account
        gate = FollowerGate(config.app_id, container.uow)
        template = WeChatTemplateChannel(client, gate, container.clock, container.timezone)
        for channel in (
            template,
            WeChatCustomChannel(client, gate, container.clock, container.timezone),
            ExpertPushChannel(template, container.uow),
        ):
            container.channels[channel.name] = channel
        invites = InviteQrcodeChannel(client, container.uow, sms_template=container.settings.sms.expert_invite_template)
        container.channels[invites.name] = invites
        menu = MenuChannel(client)
        container.channels[menu.name] = menu
    wire_sms(container)


def configured_menu(settings: Settings) -> PublishMenu | None:
    """The menu/create body for the configured official account; None when none is configured."""
    config = resolve_wechat_config(settings)
    if config is None:
        return None
    body = menu_payload(settings.wechat.menu, mini_app_id=config.miniapp_app_id, fallback_url=settings.base_url)
    return PublishMenu(config.app_id, body)


async def publish_configured_menu(container: Container, *, force: bool = False) -> MenuPublished | None:
    """Queue the configured menu when it changed (or `force`); None when no official account is configured."""
    menu = configured_menu(container.settings)
    if menu is None:
        return None
    return await publish_menu(replace(menu, force=force), container.uow())


def expert_push_policy(settings: Settings, config: WeChatConfig) -> ExpertPushPolicy:
    wechat = settings.wechat
    return ExpertPushPolicy(
        app_id=config.app_id,
        template_id=wechat.expert_push_template_id,
        mini_app_id=config.miniapp_app_id,
        demand_page=wechat.miniapp_demand_page,
        timezone=settings.timezone,
    )


def add_channel_routes(app: web.Application, container: Container) -> None:
    add_wechat_routes(app, container)
    add_invite_page(app, container)
    add_sms_routes(app, container)
