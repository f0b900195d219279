"""A faithful offline DingTalk: OpenAPI, the Stream gateway, an organisation, and each member's phone."""

from __future__ import annotations

from aiohttp import web

import sandbox.dingtalk.demo  # noqa: F401  (registers the demo seed; wiring imports this package in sandbox mode)
from handlers.clock import Clock
from sandbox.dingtalk.control import Control
from sandbox.dingtalk.directory import Directory
from sandbox.dingtalk.gateway import Gateway
from sandbox.dingtalk.openapi import OpenApi, fault_middleware
from sandbox.dingtalk.state import DingTalkSandboxState
from sandbox.state import SandboxState

dingtalk_state_key = web.AppKey("dingtalk_sandbox_state", DingTalkSandboxState)
gateway_key = web.AppKey("dingtalk_sandbox_gateway", Gateway)


def create_dingtalk_sandbox(
    clock: Clock, sandbox: SandboxState | None = None, state: DingTalkSandboxState | None = None
) -> web.Application:
    state = state or DingTalkSandboxState()
    app = web.Application(middlewares=[fault_middleware(state, clock)])
    directory = Directory(state, sandbox)
    gateway = Gateway(state, clock)
    directory.emit_event = lambda event_type, data: state.spawn(gateway.push_event(event_type, data))
    OpenApi(state, directory, clock).routes(app)
    gateway.routes(app)
    Control(state, directory, gateway, clock).routes(app)
    app[dingtalk_state_key] = state
    app[gateway_key] = gateway

    async def close_streams(_app: web.Application) -> None:
        await gateway.close_all()
        for task in list(state.tasks):
            task.cancel()

    app.on_shutdown.append(close_streams)
    return app
