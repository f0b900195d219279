"""Running the service: any of the roles web, stream, relay and scheduler in one process, or the web role
in several processes on one port."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
from collections.abc import Callable, Coroutine, Iterable
from multiprocessing.synchronize import Event as ProcessEvent
from types import FrameType
from typing import Any, TypeVar

from aiohttp import web

from bot.bootstrap import Container, build_container
from bot.front_door import WebRunner
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
T = TypeVar("T")


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop where it is installed (a WeChat push costs about 6 % less CPU on it, see docs/benchmarks.md);
    None leaves asyncio's own loop."""
    try:
        import uvloop
    except ImportError:  # not built for this platform
        return None
    return uvloop.new_event_loop


def run(coro: Coroutine[Any, Any, T]) -> T:
    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        return runner.run(coro)


async def serve(
    settings: Settings,
    roles: Iterable[str] = ROLES,
    *,
    demo: bool = False,
    stop: asyncio.Event | None = None,
    started: asyncio.Event | None = None,
    prepare: bool = True,
    reuse_port: bool = False,
) -> None:
    """`prepare`: the start-up work done once per deployment (migrations, the menu); False in the extra web
    workers, which start once the first one has done it. `reuse_port`: share the port with other workers."""
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
        if prepare:
            await upgrade(container.engine)
        await warm_pool(container.engine, settings.database_pool_size)
        await container.calendar.refresh(container.sessionmaker)  # the holiday schedules an admin loaded
        if prepare:
            await publish_configured_menu(container)  # queued when changed; the relay sends it
        if demo:
            await _load_demo(container)
        if "web" in roles:
            runner = WebRunner(create_web_app(container), access_log=None)
            await runner.setup()
            await web.TCPSite(runner, settings.host, settings.port, reuse_port=reuse_port or None).start()
            log.info("web listening", extra={"url": settings.base_url, "pid": os.getpid()})
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
            demands=container.demand_policy,
            files=container.files,
            expert_push=container.expert_push_policy,
        )
    )
    log.info("demo data loaded", extra={"seeds": loaded})


def serve_workers(settings: Settings, roles: Iterable[str], workers: int) -> int:
    """`workers` processes, each with its own event loop, on one port (SO_REUSEPORT: the kernel spreads the
    connections). The first runs every role asked for and the once-per-start work (migrations, the menu); the
    others start when it is up and serve the web role only. SIGTERM or SIGINT stops them all gracefully. If one
    dies, the others are stopped and its exit code returned, for the supervisor to restart the whole unit.
    Returns the exit code."""
    roles = tuple(roles)
    # Forked before any event loop or thread exists: the children share the imported modules' pages.
    context = multiprocessing.get_context("fork")
    children: list[multiprocessing.process.BaseProcess] = []  # started in order; the first runs all roles
    stopping = False

    def stop_all(_signum: int = signal.SIGTERM, _frame: FrameType | None = None) -> None:
        nonlocal stopping
        stopping = True
        for child in children:
            if child.pid is not None and child.exitcode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child.pid, signal.SIGTERM)

    previous = {signum: signal.signal(signum, stop_all) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        ready = context.Event()
        first = context.Process(target=_worker, args=(settings, roles, True, ready), name="kezhuan-web-0")
        children.append(first)
        first.start()
        while not stopping and first.exitcode is None and not ready.wait(0.2):
            pass
        for index in range(1, workers):
            if stopping or first.exitcode is not None:
                break
            extra = context.Process(target=_worker, args=(settings, ("web",), False, None), name=f"kezhuan-web-{index}")
            children.append(extra)
            extra.start()
        code = 0
        while running := [child for child in children if child.exitcode is None]:
            multiprocessing.connection.wait([child.sentinel for child in running], timeout=1.0)
            for child in children:
                if child.exitcode is not None and not stopping:
                    log.error(
                        "web worker exited; stopping the others", extra={"pid": child.pid, "code": child.exitcode}
                    )
                    code = child.exitcode or 1
                    stop_all()
        failed = [child.exitcode for child in children if child.exitcode]
        return code or (failed[0] if failed else 0)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _worker(settings: Settings, roles: tuple[str, ...], prepare: bool, ready: ProcessEvent | None) -> None:
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, signal.SIG_DFL)  # the parent's forwarding handler; serve() installs its own

    async def main() -> None:
        started = asyncio.Event()

        async def report() -> None:
            await started.wait()
            if ready is not None:
                ready.set()

        reporter = asyncio.create_task(report())
        try:
            await serve(settings, roles, started=started, prepare=prepare, reuse_port=True)
        finally:
            reporter.cancel()

    run(main())
