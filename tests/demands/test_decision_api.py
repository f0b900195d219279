"""A reviewer who decides from the micro-app page (not the card) acts under the configured demand policy too."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import Container
from bot.settings import Settings
from bot.web import create_web_app
from handlers.auth.sessions import issue_session
from store.models.auth import SessionKind
from tests.api.conftest import bearer
from tests.demands.conftest import CONTACT_MOBILE, Bench, outbox, reviews_of

TEMPLATE = "SMS_DEMAND_CONFIGURED"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"demands": settings.demands.model_copy(update={"sms_template": TEMPLATE})})


@pytest.fixture
async def api(container: Container) -> AsyncIterator[TestClient[Any, Any]]:
    async with TestClient(TestServer(create_web_app(container))) as client:
        yield client


async def test_an_approval_over_rest_tells_the_enterprise_with_the_configured_template(
    bench: Bench, api: TestClient[Any, Any]
) -> None:
    submitted = await bench.submit()
    [review] = await reviews_of(bench.container, submitted.demand_id)
    async with bench.container.uow() as uow:
        token = (await issue_session(uow, bench.container.auth_policy, bench.admin_id, SessionKind.MICRO_APP)).token
        await uow.commit()
    response = await api.post(f"/api/v1/reviews/{review.id}/decision", json={"stage": 0, "decision": "approve"},
                              headers=bearer(token))
    assert response.status == 200, await response.text()
    [sms] = await outbox(bench.container, "sms", CONTACT_MOBILE)
    assert sms.payload["template_code"] == TEMPLATE
