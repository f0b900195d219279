"""The chart of a weekly report, opened by its token (DingTalk fetches the image without our session): last week's
monitor recomputed as the report's recipient — their scope now, the week's facts — ranked by points."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta, tzinfo

from sqlalchemy import select

from cards.charts import Bars
from handlers.errors import NotFound
from handlers.monitoring.charts import monitor_chart
from handlers.monitoring.period import Period
from handlers.monitoring.send_weekly_reports import RANK_BY
from handlers.monitoring.show_monitor import ShowMonitor, show_monitor
from handlers.monitoring.views import View
from handlers.reference.regions import Regions
from store.models.indicators import WeeklyReport
from store.uow import UnitOfWork

KEPT_DAYS = 35  # a report's picture is still there when it is read a month later


@dataclass(frozen=True)
class WeeklyReportChart:
    token: str


async def weekly_report_chart(
    cmd: WeeklyReportChart, new_uow: Callable[[], UnitOfWork], zone: tzinfo, regions: Regions
) -> Bars:
    async with new_uow() as uow:
        found = (
            await uow.session.execute(
                select(WeeklyReport.account_id, WeeklyReport.view, WeeklyReport.week_start, WeeklyReport.sent_at).where(
                    WeeklyReport.token == cmd.token
                )
            )
        ).first()
        now = uow.clock.now()
    if found is None or now - found.sent_at > timedelta(days=KEPT_DAYS):
        raise NotFound("该周报图表已过期", code="report_expired")
    period = Period(found.week_start, found.week_start + timedelta(days=6))
    monitor = await show_monitor(ShowMonitor(found.account_id, View(found.view), period), new_uow(), zone, regions)
    return monitor_chart(monitor, RANK_BY)
