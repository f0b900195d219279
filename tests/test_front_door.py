"""A direct route (the WeChat push under `kezhuan serve`) answers as the application would: the same errors in
the one error shape, the same HTTP metrics; anything else it does not claim goes through the application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from aiohttp.typedefs import Handler
from prometheus_client import REGISTRY

from bot.front_door import add_direct_route
from bot.web import metrics_middleware
from handlers.errors import DomainError
from miniapp_api.errors import error_middleware
from tests.served import ServedApp

PATH = "/direct/hook"


class Closed(DomainError):
    status = 409
    code = "closed"
    message = "已关闭"


async def hook(request: web.Request) -> web.Response:
    match request.query.get("do"):
        case "domain":
            raise Closed()
        case "crash":
            raise RuntimeError("a bug")
        case "gone":
            raise web.HTTPGone()
    return web.Response(text=f"hook {request.method} {len(await request.read())}")


async def other(_request: web.Request) -> web.Response:
    return web.Response(text="other")


def _app(seen: list[str]) -> web.Application:
    @web.middleware
    async def spy(request: web.Request, handler: Handler) -> web.StreamResponse:
        seen.append(request.path)
        return await handler(request)

    app = web.Application(middlewares=[metrics_middleware, error_middleware, spy], client_max_size=64)
    add_direct_route(app, PATH, ("POST",), hook)
    app.router.add_get("/other", other)
    return app


@pytest.fixture(params=["served", "plain"])
async def client(request: pytest.FixtureRequest) -> AsyncIterator[tuple[TestClient[Any, Any], list[str]]]:
    """The same application under `kezhuan serve`'s runner and under aiohttp's own."""
    seen: list[str] = []
    server = ServedApp(_app(seen)) if request.param == "served" else TestServer(_app(seen))
    async with TestClient(server) as test_client:
        yield test_client, seen


def _count(status: int) -> float:
    labels = {"method": "POST", "route": PATH, "status": str(status)}
    return REGISTRY.get_sample_value("kezhuan_http_requests_total", labels) or 0.0


async def test_a_direct_route_answers_as_the_application_would(client: tuple[TestClient[Any, Any], list[str]]) -> None:
    api, _seen = client
    before = {status: _count(status) for status in (200, 409, 500, 410, 413)}
    timed = _timed()

    response = await api.post(PATH, data=b"abc")
    assert (response.status, await response.text()) == (200, "hook POST 3")
    response = await api.post(PATH, params={"do": "domain"})
    assert response.status == 409
    assert await response.json() == {"error": {"code": "closed", "message": "已关闭"}}
    response = await api.post(PATH, params={"do": "crash"})
    assert response.status == 500
    assert (await response.json())["error"]["code"] == "internal_error"
    response = await api.post(PATH, params={"do": "gone"})
    assert response.status == 410
    response = await api.post(PATH, data=b"x" * 100)  # over client_max_size
    assert response.status == 413
    assert (await response.json())["error"]["code"] == "request_too_large"

    assert {status: _count(status) - before[status] for status in before} == {200: 1, 409: 1, 500: 1, 410: 1, 413: 1}
    assert _timed() == (timed[0] + 5, timed[1] + 5)  # every one timed, and within the 10 s bucket


def _timed() -> tuple[float, float]:
    count = REGISTRY.get_sample_value("kezhuan_http_request_seconds_count", {"route": PATH}) or 0.0
    fast = REGISTRY.get_sample_value("kezhuan_http_request_seconds_bucket", {"route": PATH, "le": "10.0"}) or 0.0
    return count, fast


async def test_what_a_direct_route_does_not_claim_goes_through_the_application(
    client: tuple[TestClient[Any, Any], list[str]],
) -> None:
    api, seen = client
    response = await api.get(PATH)  # a method the direct route does not take: the application's JSON 405
    assert response.status == 405
    assert (await response.json())["error"]["code"] == "method_not_allowed"
    response = await api.post(PATH, data=b"abc", headers={"Expect": "100-continue"})
    assert (response.status, await response.text()) == (200, "hook POST 3")
    assert await (await api.get("/other")).text() == "other"
    # The application's own middlewares saw all of these; a plain push is the only thing the front door keeps.
    await api.post(PATH, data=b"abc")
    served = isinstance(api.server, ServedApp)
    assert seen == [PATH, PATH, "/other"] + ([] if served else [PATH])
