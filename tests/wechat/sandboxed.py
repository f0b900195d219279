"""Our service in sandbox mode on a real loopback port, so the sandbox can call our webhooks back."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.bootstrap import Container, build_container
from bot.relay import Relay
from bot.settings import Settings
from bot.web import create_web_app
from handlers.clock import ManualClock
from sandbox.demo.people import PEOPLE
from store.models.outbox import OutboxMessage
from store.outbox import Outgoing, enqueue


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Service:
    container: Container
    client: TestClient[web.Request, web.Application]

    async def call(self, method: str, path: str, json: Any = None) -> Any:
        response = await self.client.request(method, path, json=json)
        assert response.status == 200, await response.text()
        return await response.json()

    async def relay_once(self) -> int:
        relay = Relay(
            sessionmaker=self.container.sessionmaker,
            channels=self.container.channels,
            coordination=self.container.coordination,
            clock=self.container.clock,
            settings=self.container.settings.outbox,
            timezone=self.container.timezone,
        )
        return await relay.run_once()

    async def enqueue(self, channel: str, recipient: str, payload: dict[str, Any], key: str | None = None) -> int:
        """A row as stored, written raw: also one no message class writes (the channel must dead-letter it)."""
        async with self.container.uow() as uow:
            row_id = await enqueue(
                uow.session, Outgoing(channel, recipient, payload, platform_key=key), now=uow.clock.now()
            )
            await uow.commit()
        return row_id

    async def message(self, row_id: int) -> OutboxMessage:
        async with self.container.sessionmaker() as session:
            return (await session.execute(select(OutboxMessage).where(OutboxMessage.id == row_id))).scalar_one()


async def start_service(settings: Settings, clock: ManualClock, **overrides: Any) -> AsyncIterator[Service]:
    port = free_port()
    sandboxed = settings.model_copy(update={"sandbox": True, "host": "127.0.0.1", "port": port, **overrides})
    container = await build_container(sandboxed, clock=clock)
    assert container.sandbox is not None
    for persona in PEOPLE:
        container.sandbox.add_person(persona)
    client = TestClient(TestServer(create_web_app(container), host="127.0.0.1", port=port))
    await client.start_server()
    try:
        yield Service(container, client)
    finally:
        await client.close()
        await container.aclose()


@pytest.fixture
async def service(settings: Settings, clock: ManualClock) -> AsyncIterator[Service]:
    async for started in start_service(settings, clock):
        yield started
