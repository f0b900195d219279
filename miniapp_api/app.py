"""REST for the mini-program and the DingTalk micro-app pages, mounted at /api/v1."""

from __future__ import annotations

from aiohttp import web

from miniapp_api.errors import error_middleware

OPENAPI = {
    "openapi": "3.1.0",
    "info": {"title": "kezhuan mini-program and micro-app API", "version": "0.1.0"},
    "paths": {},
}


def create_api_app() -> web.Application:
    app = web.Application(middlewares=[error_middleware])

    async def openapi(_request: web.Request) -> web.Response:
        return web.json_response(OPENAPI)

    app.router.add_get("/openapi.json", openapi)
    return app
