"""The running sandbox (`make run`) adds enterprises through the real 企查查 adapter, talking over HTTP to the
sandbox's offline 企查查 at /sandbox/qichacha; its failures reach the page as 503 with Retry-After."""

from __future__ import annotations

import socket
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.bootstrap import build_container
from bot.registry.qichacha import QichachaRegistry
from bot.settings import Settings
from bot.web import create_web_app
from handlers.auth.sessions import issue_session
from handlers.clock import ManualClock
from sandbox.demo import DemoContext, load_demo
from store.models.auth import SessionKind
from store.models.organisation import Account
from tests.api.conftest import bearer, credit_code


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_the_sandbox_looks_enterprises_up_through_the_adapter(settings: Settings, clock: ManualClock) -> None:
    port = free_port()
    container = await build_container(settings.model_copy(update={"sandbox": True, "port": port}), clock=clock)
    try:
        assert container.sandbox is not None and isinstance(container.registry, QichachaRegistry)
        fake = container.sandbox.qichacha
        await load_demo(
            DemoContext(
                sandbox=container.sandbox,
                clock=clock,
                uow=container.uow,
                membership=container.membership_policy,
                demands=container.demand_policy,
            )
        )
        uow = container.uow()
        async with uow:
            admin = await uow.session.scalar(select(Account.id).where(Account.name == "李强"))
            assert admin is not None
            token = bearer((await issue_session(uow, container.auth_policy, admin, SessionKind.MICRO_APP)).token)
            await uow.commit()
        server = TestServer(create_web_app(container), host="127.0.0.1", port=port)
        async with TestClient(server) as api:

            async def call(method: str, path: str, json: Any = None) -> tuple[int, Any, Any]:
                response = await api.request(method, "/api/v1" + path, headers=token, json=json)
                return response.status, await response.json(), response.headers

            status, told, _ = await call("GET", "/enterprise-registry")
            assert (status, told["configured"], told["provider"]) == (200, True, "qichacha")
            [institution] = (await call("GET", "/institutions"))[1]["items"]
            path = f"/institutions/{institution['institution_id']}/enterprises"

            status, added, _ = await call("POST", path, {"full_name": "杭州西溪新材料有限公司"})
            assert (status, added["verification"], added["credit_code"]) == (201, "verified", "91330106MAXG0TEQ2A")
            assert fake.keywords == ["杭州西溪新材料有限公司"]
            _, page, _ = await call("GET", f"/enterprises/{added['enterprise_id']}")
            assert (page["verified_by"], page["registered_capital_fen"]) == ("qichacha", 500 * 10**6)

            fake.fail_next.append("110")
            status, error, headers = await call("POST", path, {"full_name": "宁波海曙智能家电有限公司"})
            assert (status, error["error"]["code"], headers["Retry-After"]) == (503, "registry_unavailable", "7200")

            status, error, _ = await call("POST", path, {"full_name": "杭州查无此司科技有限公司"})
            assert (status, error["error"]["code"]) == (404, "enterprise_not_registered")
            assert "手工录入" in error["error"]["message"]
            status, entered, _ = await call(
                "POST",
                path + "/manual",
                {
                    "full_name": "杭州查无此司科技有限公司",
                    "credit_code": credit_code(4343),
                    "region_code": "330106",
                    "address": "浙江省杭州市西湖区某路1号",
                    "legal_representative": "吴某",
                },
            )
            assert (status, entered["verification"]) == (201, "unverified")

            fake.remaining = 0
            status, error, headers = await call("POST", f"/enterprises/{entered['enterprise_id']}/verify")
            assert (status, error["error"]["code"]) == (503, "registry_unavailable")
            assert "Retry-After" not in headers  # a spent quota waits for the operator, not the clock
    finally:
        await container.aclose()
