"""The sandboxed service with an institution, its centre, a staff member and an enterprise, and helpers that
take an expert through the real invitation (SMS → follow with the QR scene → mini-program bind) and approve
demands through the review use case."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.digest import run_expert_digest
from handlers.clock import ManualClock
from handlers.expert_digest.run_digest import DigestRunResult
from handlers.experts.add_expert import AddExpert, add_expert
from handlers.reference.regions import Regions
from handlers.reviews.decide_review import DecideReview, Decision, decide_review
from sandbox.registry import SandboxBusinessRegistry
from sandbox.state import Persona
from store.models.expert_digest import DigestMessage, DigestPair
from store.models.outbox import OutboxMessage, OutboxStatus
from tests.demands.conftest import Bench, build_bench, reviews_of
from tests.organisation.conftest import Org, make_system_admin
from tests.policies import SUBJECTS
from tests.wechat.sandboxed import Service, service  # noqa: F401  (a fixture)

SHANGHAI = ZoneInfo("Asia/Shanghai")
WX = "/sandbox/wechat"


def beijing(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


@dataclass
class Expert:
    account_id: int
    expert_id: int
    persona: Persona
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class World:
    service: Service
    clock: ManualClock
    bench: Bench

    @property
    def container(self) -> Any:
        return self.service.container

    async def drain(self) -> None:
        # A send that timed out on a loaded machine is retried after a short backoff (10 ms in tests): keep
        # draining until nothing is left that would be due within a second.
        for _ in range(50):
            self.clock.advance(0.05)
            if await self.service.relay_once() == 0 and not await self._retrying_soon():
                return

    async def _retrying_soon(self) -> bool:
        soon = self.clock.now() + timedelta(seconds=1)
        async with self.container.sessionmaker() as session:
            return bool(
                await session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= soon)
                )
            )

    async def expert(self, name: str, mobile: str) -> Expert:
        """Added by the institution admin, follows the official account with the invitation's QR, binds."""
        added = await add_expert(
            AddExpert(self.bench.admin_id, self.bench.institution_id, name, mobile), self.container.uow()
        )
        await self.drain()  # the QR code, then the SMS
        persona = self.container.sandbox.find(mobile)
        assert persona is not None
        [sms] = list(await self.inbox(persona, "sms"))
        await self.service.call("POST", f"/sandbox{sms['actions'][0]['url']}", sms["actions"][0]["body"])
        await self.drain()  # the 「前往绑定信息」 message
        code = (await self.service.call("POST", f"{WX}/console/login-code", {"person_id": persona.id}))["code"]
        token = (await (await self.service.client.post("/api/v1/auth/mini-program-login", json={"code": code})).json())[
            "token"
        ]
        phone = (await self.service.call("POST", f"{WX}/console/phone-code", {"person_id": persona.id}))["code"]
        bound = await self.service.client.post(
            "/api/v1/auth/mini-program-bind", json={"code": phone}, headers={"Authorization": f"Bearer {token}"}
        )
        assert bound.status == 200, await bound.text()
        return Expert(added.account_id, added.expert_id, persona, token)

    async def subscribe(self, expert: Expert, *codes: str) -> Any:
        response = await self.service.client.put(
            "/api/v1/expert/subscriptions", json={"field_codes": list(codes)}, headers=expert.auth
        )
        assert response.status == 200, await response.text()
        return await response.json()

    async def approved(self, title: str, *fields: str) -> int:
        submitted = await self.bench.submit(title=title, tech_fields=fields)
        [review] = await reviews_of(self.container, submitted.demand_id)
        async with self.container.uow() as uow:
            await decide_review(
                DecideReview(review.id, 0, Decision.APPROVE, account_id=self.bench.admin_id), uow, subjects=SUBJECTS
            )
            await uow.commit()
        return submitted.demand_id

    async def run(
        self, at: datetime, *, trigger: str = "schedule", day: date | None = None, instance: str = "test-1"
    ) -> DigestRunResult:
        self.clock.set(at)
        return await run_expert_digest(self.container, day=day, trigger=trigger, instance=instance)

    async def inbox(self, persona: Persona, channel: str) -> list[dict[str, Any]]:
        items = (await self.service.call("GET", f"/sandbox/api/people/{persona.id}/inbox"))["items"]
        return [i for i in items if i["channel"] == channel]

    async def templates(self, expert: Expert) -> list[OutboxMessage]:
        async with self.container.sessionmaker() as session:
            return list(
                await session.scalars(
                    select(OutboxMessage)
                    .where(
                        OutboxMessage.channel == "wechat.template",
                        OutboxMessage.recipient == expert.persona.wechat_openid,
                    )
                    .order_by(OutboxMessage.id)
                )
            )

    async def digests(self) -> list[DigestMessage]:
        async with self.container.sessionmaker() as session:
            return list(await session.scalars(select(DigestMessage).order_by(DigestMessage.id)))

    async def pairs(self) -> set[tuple[int, int]]:
        async with self.container.sessionmaker() as session:
            rows = await session.execute(select(DigestPair.expert_id, DigestPair.demand_id))
            return {(expert_id, demand_id) for expert_id, demand_id in rows.all()}


DAY = date(2026, 3, 10)  # a Tuesday


@pytest.fixture
async def world(service: Service, clock: ManualClock) -> AsyncIterator[World]:  # noqa: F811
    clock.set(beijing(DAY, 9))
    container = service.container
    org = Org(container, Regions.load(), SandboxBusinessRegistry(), await make_system_admin(container.uow()))
    yield World(service, clock, await build_bench(org))
