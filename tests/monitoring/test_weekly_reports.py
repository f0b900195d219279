"""The weekly monitoring report: Monday's work notice to each official and institution admin on DingTalk, last
week's figures of their scope only, a ranking chart behind a token, and never twice."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from handlers.clock import ManualClock
from handlers.monitoring.period import Period
from handlers.monitoring.send_weekly_reports import WeeklyReportPolicy, last_week, send_weekly_reports
from handlers.monitoring.show_monitor import ShowMonitor, show_monitor
from handlers.monitoring.views import View
from handlers.officials.create_official import CreateOfficial, create_official
from handlers.reference.regions import Regions
from store.models.auth import DingTalkBinding
from store.models.indicators import WeeklyReport
from store.models.organisation import Institution
from tests.charts.test_charts import font_or_skip
from tests.demands.conftest import outbox
from tests.monitoring.conftest import ZONE, write_history
from tests.points.conftest import Points
from tests.policies import MEMBERSHIP

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=ZONE)  # last week: 23–29 November, inside the written history
POLICY = WeeklyReportPolicy(
    ZONE, "https://kz.example.cn/m/workbench/#/monitoring", "https://kz.example.cn/api/v1/weekly-reports/"
)


async def _bound_official(points: Points) -> int:
    official = await create_official(
        CreateOfficial(points.org.admin_id, "赵局长", "13744440001", "330106"),
        points.org.uow,
        points.org.regions,
        membership=MEMBERSHIP,
    )
    async with points.org.uow as uow:
        for account, userid in ((official.account_id, "dt-zhao"), (points.x.admin, "dt-x-admin")):
            uow.session.add(DingTalkBinding(account_id=account, userid=userid, created_at=uow.clock.now()))
        await uow.commit()
    return official.account_id


async def _names(points: Points) -> dict[int, str]:
    async with points.org.container.sessionmaker() as session:
        return dict((await session.execute(select(Institution.id, Institution.name))).all())


def test_last_week_is_the_monday_to_sunday_before_this_one() -> None:
    for day in range(30, 37):  # Monday 30 November … Sunday 6 December
        today = date(2026, 11, 1) + timedelta(days=day - 1)
        assert last_week(today) == Period(date(2026, 11, 23), date(2026, 11, 29))


async def test_each_official_and_admin_gets_last_weeks_figures_of_their_scope_once(points: Points) -> None:
    await write_history(points, 7, size=40)
    official = await _bound_official(points)
    clock = points.org.container.clock
    assert isinstance(clock, ManualClock)
    clock.set(MONDAY)
    # Two instances at once: one report per person and week all the same.
    first, second = await asyncio.gather(
        send_weekly_reports(points.org.container.uow, POLICY, Regions.load()),
        send_weekly_reports(points.org.container.uow, POLICY, Regions.load()),
    )
    assert first.sent + second.sent == 2
    again = await send_weekly_reports(points.org.container.uow, POLICY, Regions.load())
    assert again.sent == 0  # a re-run sends nothing

    names = await _names(points)
    [to_zhao] = await outbox(points.org.container, "dingtalk.work_notice", "dt-zhao")
    card = to_zhao.payload["msg"]["action_card"]
    assert card["title"] == "每周绩效监测 · 西湖区"
    assert names[points.x.id] in card["markdown"] and names[points.y.id] not in card["markdown"]  # his district only
    assert card["single_url"] == f"{POLICY.monitor_page}?view=institutions&from=2026-11-23&to=2026-11-29"
    # The totals are last week's monitor of his scope, as the page shows it.
    week = Period(date(2026, 11, 23), date(2026, 11, 29))
    shown = await show_monitor(ShowMonitor(official, View.INSTITUTIONS, week), points.org.uow, ZONE, Regions.load())
    points_total = sum(r.figures["points"] for r in shown.rows)
    assert f"累计积分 {points_total}" in card["markdown"].split("**合计**：")[1].splitlines()[0]
    [to_admin] = await outbox(points.org.container, "dingtalk.work_notice", "dt-x-admin")
    assert "地域监测" in to_admin.payload["msg"]["action_card"]["markdown"]  # an admin: his centres
    async with points.org.container.sessionmaker() as session:
        kept = list(await session.scalars(select(WeeklyReport).order_by(WeeklyReport.account_id)))
    assert {(r.account_id, r.view, r.week_start.isoformat()) for r in kept} == {
        (official, "institutions", "2026-11-23"),
        (points.x.admin, "centres", "2026-11-23"),
    }
    token = next(r.token for r in kept if r.account_id == official)
    assert f"{POLICY.chart_link}{token}/chart.png" in card["markdown"]


async def test_the_reports_chart_opens_by_its_token_without_a_session_for_35_days(
    api: TestClient[Any, Any], points: Points
) -> None:
    font_or_skip()
    await write_history(points, 8, size=20)
    await _bound_official(points)
    clock = points.org.container.clock
    assert isinstance(clock, ManualClock)
    clock.set(MONDAY)
    await send_weekly_reports(points.org.container.uow, POLICY, Regions.load())
    async with points.org.container.sessionmaker() as session:
        token = await session.scalar(select(WeeklyReport.token).limit(1))
    response = await api.get(f"/api/v1/weekly-reports/{token}/chart.png")
    assert response.status == 200 and response.headers["Content-Type"] == "image/png"
    assert (await response.read())[:4] == b"\x89PNG"
    missing = await api.get("/api/v1/weekly-reports/not-a-token/chart.png")
    assert missing.status == 404 and (await missing.json())["error"]["code"] == "report_expired"
    clock.advance(36 * 86400)
    expired = await api.get(f"/api/v1/weekly-reports/{token}/chart.png")
    assert expired.status == 404
