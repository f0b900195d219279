"""Routes served ahead of the application's router and generic middlewares: the WeChat push.

A push is benchmarked against a bare aiohttp handler doing the same crypto (docs/benchmarks.md); the
router's resolution and three middleware frames (metrics, the error mapper, aiohttp's own for
sub-applications) were a third of what ours cost beyond it. A direct route keeps what they gave it: the
same HTTP metrics and the same error answers. It stays routed in the application as well, so any
other way in (a test server, another runner) answers the same.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import cast

from aiohttp import web
from aiohttp.typedefs import Handler

from bot import metrics
from miniapp_api.errors import error_response

RequestHandler = Callable[[web.BaseRequest], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class DirectRoute:
    methods: frozenset[str]
    handler: Handler


direct_routes_key = web.AppKey("direct_routes", dict[str, DirectRoute])


def add_direct_route(app: web.Application, path: str, methods: tuple[str, ...], handler: Handler) -> None:
    for method in methods:
        app.router.add_route(method, path, handler)
    app.setdefault(direct_routes_key, {})[path] = DirectRoute(frozenset(methods), handler)


def front_door(routes: dict[str, DirectRoute], app_handler: RequestHandler) -> RequestHandler:
    """Serves the direct routes on their exact path (the request target as sent, query aside) and methods;
    anything else, and a request expecting `100 Continue`, goes to the application as before."""

    async def handle(request: web.BaseRequest) -> web.StreamResponse:
        path = request.raw_path.partition("?")[0]
        route = routes.get(path)
        if route is None or request.method not in route.methods or "Expect" in request.headers:
            return await app_handler(request)
        started = time.perf_counter()
        status = 500
        try:
            try:
                # A web.Request: the server's request factory is the application's.
                response = await route.handler(cast(web.Request, request))
            except Exception as exc:
                response = error_response(request, exc)  # as the error middleware answers
            status = response.status
            return response
        except web.HTTPException as exc:  # the ones aiohttp answers itself
            status = exc.status
            raise
        finally:
            metrics.observe_request(request.method, path, status, time.perf_counter() - started)

    return handle


class WebRunner(web.AppRunner):
    """The application's runner, with the front door for its direct routes."""

    async def setup(self) -> None:
        await super().setup()
        routes = self.app.get(direct_routes_key)
        if routes and self.server is not None:
            self.server.request_handler = front_door(routes, self.server.request_handler)
