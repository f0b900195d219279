"""The aiohttp application: operations endpoints, the REST API and, in sandbox mode, the sandbox."""

from __future__ import annotations

import asyncio
import logging
import time

from aiohttp import web
from aiohttp.typedefs import Handler
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot import metrics
from bot.bootstrap import Container, container_key
from bot.wechat.wiring import add_channel_routes  # wechat and sms
from miniapp_api.app import create_api_app
from miniapp_api.errors import error_middleware
from store.outbox import depth_by_channel
from webapp.web import add_page_routes

log = logging.getLogger(__name__)


@web.middleware
async def metrics_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.perf_counter()
    resource = request.match_info.route.resource
    route = resource.canonical if resource else "unmatched"
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        metrics.observe_request(request.method, route, status, time.perf_counter() - started)


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    container = request.app[container_key]
    checks: dict[str, str] = {}
    for name, check in container.readiness.items():
        try:
            async with asyncio.timeout(2.0):
                checks[name] = "ok" if await check() else "down"
        except Exception as exc:
            checks[name] = f"down: {type(exc).__name__}"
    ready = all(state == "ok" for state in checks.values())
    return web.json_response(
        {"status": "ready" if ready else "not_ready", "checks": checks}, status=200 if ready else 503
    )


async def metrics_view(request: web.Request) -> web.Response:
    container = request.app[container_key]
    try:
        async with container.sessionmaker() as session:
            depth = await depth_by_channel(session)
        metrics.outbox_depth.clear()
        for (channel, status), count in depth.items():
            metrics.outbox_depth.labels(channel, status).set(count)
    except Exception:
        log.warning("outbox depth unavailable for metrics", exc_info=True)
    body = generate_latest()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def create_web_app(container: Container) -> web.Application:
    app = web.Application(middlewares=[metrics_middleware, error_middleware], client_max_size=6 * 1024 * 1024)
    app[container_key] = container
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_view)
    app.add_subapp("/api/v1/", create_api_app())
    add_page_routes(app, container)  # /m/workbench/ and /m/expert/
    add_channel_routes(app, container)  # wechat callback and sms receipts
    if container.settings.sandbox and container.sandbox is not None and container.test_provider is not None:
        from bot.digest import console_digest
        from sandbox.app import create_sandbox_app  # wired only in sandbox mode

        app.add_subapp(
            "/sandbox",
            create_sandbox_app(
                container.sandbox,
                container.test_provider,
                container.clock,
                {"digest": lambda: console_digest(container)},
            ),
        )
    return app
