"""Wiring the DingTalk channel into the container: relay channels now, the Stream runner for the stream role."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from pydantic import SecretStr

from bot.dingtalk.channels import CardChannel, CardUpdateChannel, RobotChannel, TodoChannel, WorkNoticeChannel
from bot.dingtalk.client import DingTalkClient
from bot.dingtalk.contacts import ContactEvents
from bot.dingtalk.listeners import register_all
from bot.dingtalk.membership import ClientMemberDirectory, MembershipChannel
from bot.dingtalk.names import PresserNames
from bot.dingtalk.router import CardActionRouter
from bot.dingtalk.stream import StreamRunner
from bot.settings import DingTalkSettings, Settings
from handlers.reviews.subjects import default_subjects

if TYPE_CHECKING:
    from bot.bootstrap import Container

log = logging.getLogger(__name__)


def dingtalk_settings(settings: Settings) -> DingTalkSettings | None:
    """The DingTalk app to talk to: the sandbox's in sandbox mode (a demo never reaches real people),
    else the configured one, else none."""
    # The pages this service hosts (webapp.web), unless another page is configured.
    workbench = settings.dingtalk.workbench_page_url or f"{settings.base_url}/m/workbench/"
    if not settings.sandbox:
        if not settings.dingtalk.client_id:
            return None
        return settings.dingtalk.model_copy(update={"workbench_page_url": workbench})
    from sandbox.dingtalk.state import DingTalkSandboxState  # sandbox mode only

    app = DingTalkSandboxState()
    base = f"{settings.base_url}/sandbox/dingtalk"
    return settings.dingtalk.model_copy(
        update={
            "api_base_url": base,
            "oapi_base_url": base,
            "client_id": app.client_id,
            "client_secret": SecretStr(app.client_secret),
            "agent_id": app.agent_id,
            "corp_id": app.corp_id,
            "workbench_page_url": workbench,
        }
    )


def wire_dingtalk(container: Container) -> None:
    settings = dingtalk_settings(container.settings)
    if settings is None:
        return
    client = DingTalkClient(container.http, settings, container.coordination, container.clock)
    zone = container.timezone
    for channel in (
        CardChannel(client, container.clock, zone),
        CardUpdateChannel(client, container.clock, zone),
        WorkNoticeChannel(
            client, container.clock, zone, container.coordination, daily_per_user=settings.work_notice_daily_per_user
        ),
        RobotChannel(client, container.clock, zone),
        TodoChannel(client, container.clock, zone),
        MembershipChannel(client, container.clock, zone, settings, container.uow, container.membership_policy),
    ):
        container.channels[channel.name] = channel


def build_router(container: Container, client: DingTalkClient) -> CardActionRouter:
    router = CardActionRouter(container.uow, names=PresserNames(client, container.coordination))
    register_all(router, review_subjects=default_subjects(container.demand_policy, container.registration_policy))
    return router


def contact_events(container: Container, client: DingTalkClient | None = None) -> ContactEvents:
    """The contact-event handler: the member lookup through DingTalk when it is configured."""
    settings = dingtalk_settings(container.settings)
    if client is None and settings is not None:
        client = DingTalkClient(container.http, settings, container.coordination, container.clock)
    return ContactEvents(
        container.uow,
        container.clock,
        members=ClientMemberDirectory(client) if client is not None else None,
        policy=container.membership_policy,
    )


def build_stream(
    container: Container, *, reconnect_base_seconds: float = 1.0, watchdog_interval_seconds: float | None = None
) -> StreamRunner | None:
    settings = dingtalk_settings(container.settings)
    if settings is None:
        return None
    client = DingTalkClient(container.http, settings, container.coordination, container.clock)
    runner = StreamRunner(
        settings,
        build_router(container, client),
        contact_events(container, client),
        reconnect_base_seconds=reconnect_base_seconds,
        watchdog_interval_seconds=watchdog_interval_seconds,
    )
    container.readiness["dingtalk_stream"] = runner.ready
    return runner


async def run_stream(container: Container, stop: asyncio.Event) -> None:
    """The stream role: hold the Stream connection until told to stop."""
    runner = build_stream(container)
    if runner is None:
        log.info("dingtalk not configured; stream role idle")
        return
    await runner.start()
    try:
        await stop.wait()
    finally:
        await runner.stop()
