"""The sandbox web app, mounted at /sandbox only when sandbox mode is configured."""

from __future__ import annotations

from aiohttp import web

from handlers.clock import Clock
from sandbox.audit_anchor import audit_anchor_sandbox_app
from sandbox.console import Triggers, add_console_routes
from sandbox.dingtalk import create_dingtalk_sandbox
from sandbox.qichacha import qichacha_sandbox_app
from sandbox.sms.app import sms_sandbox_app
from sandbox.state import SandboxState
from sandbox.test_provider import TestProviderState, create_test_provider
from sandbox.wechat.console import wechat_sandbox_app

sandbox_state_key = web.AppKey("sandbox_state", SandboxState)
test_provider_key = web.AppKey("test_provider_state", TestProviderState)


def create_sandbox_app(
    state: SandboxState, provider: TestProviderState, clock: Clock, triggers: Triggers | None = None
) -> web.Application:
    app = web.Application()
    app[sandbox_state_key] = state
    app[test_provider_key] = provider
    add_console_routes(app, state, triggers)
    app.add_subapp("/test-provider/", create_test_provider(provider, clock, state))
    app.add_subapp("/dingtalk/", create_dingtalk_sandbox(clock, state))
    app.add_subapp("/wechat/", wechat_sandbox_app(state, clock))
    app.add_subapp("/sms/", sms_sandbox_app(state, clock))
    app.add_subapp("/qichacha/", qichacha_sandbox_app(state.qichacha))
    app.add_subapp("/audit-anchor/", audit_anchor_sandbox_app())
    return app
