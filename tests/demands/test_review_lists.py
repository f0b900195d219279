"""Everyone sees the date: the reviewer's workbench lists and counts overdue reviews, demand lists show the due
date, and the demand review's limit is a setting."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import Container, build_container
from bot.settings import Settings
from bot.web import create_web_app
from handlers.auth.sessions import issue_session
from handlers.clock import ManualClock
from handlers.demands.list_demands import ListDemands, list_demands
from handlers.reviews.deadlines import configure_review_deadlines
from handlers.reviews.list_my_reviews import ListMyReviews, list_my_reviews
from store.models.auth import SessionKind
from tests.api.conftest import bearer
from tests.demands.conftest import Bench, reviews_of

SHANGHAI = ZoneInfo("Asia/Shanghai")


def beijing(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture
async def api(container: Container) -> AsyncIterator[TestClient[Any, Any]]:
    async with TestClient(TestServer(create_web_app(container))) as client:
        yield client


async def test_the_workbench_lists_due_and_overdue_reviews_and_counts_the_overdue(
    bench: Bench, clock: ManualClock, api: TestClient[Any, Any]
) -> None:
    clock.set(beijing(2026, 12, 7))
    late = await bench.submit(title="逾期的需求")  # due Thursday 10 December
    clock.set(beijing(2026, 12, 9))
    fresh = await bench.submit(title="今天到期的需求")  # due Monday 14 December
    clock.set(beijing(2026, 12, 14, 15))

    mine = await list_my_reviews(ListMyReviews(bench.admin_id), bench.org.uow)
    assert (mine.waiting, mine.overdue) == (2, 1)
    assert [(i.title, i.due_on, i.overdue_days, i.due_text) for i in mine.items] == [
        ("逾期的需求", date(2026, 12, 10), 2, "已逾期2个工作日"),
        ("今天到期的需求", date(2026, 12, 14), 0, "请于12月14日前处理"),
    ]
    assert (await list_my_reviews(ListMyReviews(bench.staff_id), bench.org.uow)).waiting == 0

    page = await list_demands(ListDemands(bench.staff_id), bench.org.uow)
    rows = {r.demand_id: r for r in page.items}
    assert (rows[late.demand_id].review_due_on, rows[late.demand_id].review_overdue_days) == (date(2026, 12, 10), 2)
    assert (rows[fresh.demand_id].review_due_on, rows[fresh.demand_id].review_overdue_days) == (date(2026, 12, 14), 0)

    async with bench.container.uow() as uow:
        token = (await issue_session(uow, bench.container.auth_policy, bench.admin_id, SessionKind.MICRO_APP)).token
        await uow.commit()
    response = await api.get("/api/v1/reviews/mine", headers=bearer(token))
    assert response.status == 200, await response.text()
    body = await response.json()
    assert (body["waiting"], body["overdue"]) == (2, 1)
    assert body["items"][0]["due_on"] == "2026-12-10" and body["items"][0]["due_text"] == "已逾期2个工作日"


async def test_the_demand_review_limit_is_a_setting(bench: Bench, clock: ManualClock, settings: Settings) -> None:
    # KEZHUAN_REVIEWS__DEMAND_REVIEW_DAYS=5: an instance built with it counts five working days.
    five = settings.model_copy(update={"reviews": settings.reviews.model_copy(update={"demand_review_days": 5})})
    other = await build_container(five, clock=clock)
    try:
        clock.set(beijing(2026, 12, 7))
        submitted = await bench.submit()
        [review] = await reviews_of(bench.container, submitted.demand_id)
        assert review.due_on == date(2026, 12, 14)  # 8, 9, 10, 11 and 14 December
    finally:
        await other.aclose()
        configure_review_deadlines(bench.container.office_hours, demand_review_days=settings.reviews.demand_review_days)
