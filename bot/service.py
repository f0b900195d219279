"""Running the service: any of the roles web, stream, relay and scheduler in one process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterable

from aiohttp import web

from bot.bootstrap import Container, build_container
from bot.heap import freeze_startup_heap, thaw_heap
from bot.relay import Relay
from bot.settings import Settings
from bot.web import create_web_app
from bot.wechat.wiring import publish_configured_menu
from scheduler.runner import build_scheduler
from store.db import warm_pool
from store.migrate import upgrade

log = logging.getLogger(__name__)
ROLES = ("web", "stream", "relay", "scheduler")


async def serve(
    settings: Settings,
    roles: Iterable[str] = ROLES,
    *,
    demo: bool = False,
    stop: asyncio.Event | None = None,
    started: asyncio.Event | None = None,
) -> None:
    roles = tuple(roles)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)

    container = await build_container(settings)
    tasks: list[asyncio.Task[None]] = []
    runner: web.AppRunner | None = None
    scheduler = None
    try:
        await upgrade(container.engine)
        await warm_pool(container.engine, settings.database_pool_size)
        await container.calendar.refresh(container.sessionmaker)  # the holiday schedules an admin loaded
        await publish_configured_menu(container)  # queued when changed; the relay sends it
        if demo:
            await _load_demo(container)
        if "web" in roles:
            runner = web.AppRunner(create_web_app(container), access_log=None)
            await runner.setup()
            await web.TCPSite(runner, settings.host, settings.port).start()
            log.info("web listening", extra={"url": settings.base_url})
        if "relay" in roles:
            relay = Relay(
                sessionmaker=container.sessionmaker,
                channels=container.channels,
                coordination=container.coordination,
                clock=container.clock,
                settings=settings.outbox,
                timezone=container.timezone,
            )
            tasks.append(asyncio.create_task(relay.run(stop), name="relay"))
        if "stream" in roles:  # DingTalk Stream mode: card callbacks, bot messages, contact events
            from bot.dingtalk.wiring import run_stream

            tasks.append(asyncio.create_task(run_stream(container, stop), name="dingtalk-stream"))
        if "scheduler" in roles:
            scheduler = build_scheduler(container)
            scheduler.start()
        freeze_startup_heap()
        if started is not None:
            started.set()
        await stop.wait()
    finally:
        log.info("stopping", extra={"roles": list(roles)})
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        if runner is not None:
            await runner.cleanup()
        await container.aclose()
        thaw_heap()


async def _load_demo(container: Container) -> None:
    from sandbox.demo import DemoContext, load_demo

    assert container.sandbox is not None, "demo data needs sandbox mode"
    loaded = await load_demo(
        DemoContext(
            sandbox=container.sandbox,
            clock=container.clock,
            uow=container.uow,
            membership=container.membership_policy,
            files=container.files,
            expert_push=container.expert_push_policy,
            demands=container.demand_policy,
        )
    )
    log.info("demo data loaded", extra={"seeds": loaded})
