"""A reviewer who decides from the micro-app page (not the card) acts under the configured demand policy too; a
caller who does not see the review's demand is answered as for a review that does not exist."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.bootstrap import Container
from bot.settings import Settings
from bot.web import create_web_app
from handlers.auth.sessions import issue_session
from handlers.errors import Forbidden
from handlers.reviews.decide_review import DecideReview, Decision, decide_review
from store.models.audit import AuditEntry
from store.models.auth import SessionKind
from store.models.demands import DemandStatus
from store.models.dingtalk import DingTalkInbound
from tests.api.conftest import bearer, credit_code
from tests.demands.conftest import CONTACT_MOBILE, Bench, bind, demand_of, outbox, reviews_of
from tests.policies import SUBJECTS

TEMPLATE = "SMS_DEMAND_CONFIGURED"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"demands": settings.demands.model_copy(update={"sms_template": TEMPLATE})})


async def token_of(bench: Bench, account_id: int) -> str:
    async with bench.container.uow() as uow:
        token = (await issue_session(uow, bench.container.auth_policy, account_id, SessionKind.MICRO_APP)).token
        await uow.commit()
    return token


@pytest.fixture
async def api(container: Container) -> AsyncIterator[TestClient[Any, Any]]:
    async with TestClient(TestServer(create_web_app(container))) as client:
        yield client


async def test_an_approval_over_rest_tells_the_enterprise_with_the_configured_template(
    bench: Bench, api: TestClient[Any, Any]
) -> None:
    submitted = await bench.submit()
    [review] = await reviews_of(bench.container, submitted.demand_id)
    token = await token_of(bench, bench.admin_id)
    response = await api.post(
        f"/api/v1/reviews/{review.id}/decision", json={"stage": 0, "decision": "approve"}, headers=bearer(token)
    )
    assert response.status == 200, await response.text()
    [sms] = await outbox(bench.container, "sms", CONTACT_MOBILE)
    assert sms.payload["template_code"] == TEMPLATE


async def test_over_rest_only_who_sees_the_demand_learns_the_review_exists(
    bench: Bench, api: TestClient[Any, Any]
) -> None:
    submitted = await bench.submit()
    [review] = await reviews_of(bench.container, submitted.demand_id)
    _other, other_admin = await bench.org.institution(
        "宁波技术转移中心", credit_code(2), mobile="13800000011", region="330203"
    )
    await bind(bench.container, other_admin, "dt-nb")
    approve = {"stage": 0, "decision": "approve"}
    # The staff member who submitted it sees the demand: told they are not its reviewer.
    staff = await api.post(
        f"/api/v1/reviews/{review.id}/decision", json=approve, headers=bearer(await token_of(bench, bench.staff_id))
    )
    assert staff.status == 403 and (await staff.json())["error"]["message"] == "您不是该环节的审核人"
    # Another institution's admin (the stage's role, not its institution) learns nothing: the same answer,
    # status and body, as for a review that does not exist.
    other = bearer(await token_of(bench, other_admin))
    foreign = await api.post(f"/api/v1/reviews/{review.id}/decision", json=approve, headers=other)
    missing = await api.post("/api/v1/reviews/999999/decision", json=approve, headers=other)
    assert foreign.status == missing.status == 404
    assert await foreign.read() == await missing.read()
    assert (await foreign.json())["error"]["message"] == "未找到该审核"
    assert (await demand_of(bench.container, submitted.demand_id)).status == DemandStatus.PENDING_REVIEW
    # A press on a DingTalk card by the same person keeps its answer: not a reviewer of this stage.
    with pytest.raises(Forbidden, match="您不是该环节的审核人"):
        async with bench.container.uow() as uow:
            await decide_review(DecideReview(review.id, 0, Decision.APPROVE, userid="dt-nb"), uow, subjects=SUBJECTS)


async def test_a_retried_decision_request_has_no_second_effect(bench: Bench, api: TestClient[Any, Any]) -> None:
    submitted = await bench.submit()
    [review] = await reviews_of(bench.container, submitted.demand_id)
    url, headers = f"/api/v1/reviews/{review.id}/decision", bearer(await token_of(bench, bench.admin_id))
    first = await api.post(url, json={"stage": 0, "decision": "approve"}, headers=headers)
    again = await api.post(url, json={"stage": 0, "decision": "approve"}, headers=headers)  # the client retries
    assert first.status == again.status == 200, await again.text()
    won, repeat = await first.json(), await again.json()
    assert won["won"] is True and repeat["won"] is False and repeat["status"] == won["status"]
    assert len(await outbox(bench.container, "sms", CONTACT_MOBILE)) == 1  # the enterprise is told once
    async with bench.container.sessionmaker() as session:
        decided = await session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.aggregate_type == "review", AuditEntry.action == "approved")
        )
        claims = list(await session.scalars(select(DingTalkInbound.kind)))
    assert decided == 1 and claims == ["review_decision"]
