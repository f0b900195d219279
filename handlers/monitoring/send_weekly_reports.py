"""The weekly monitoring report (issue #18, seed 004 §八): every Monday, each official and institution admin bound
to DingTalk gets last week's figures of their scope — an official their region's institutions, an institution admin
their centres — with a ranking chart and a button to 绩效监测.

Exactly once: the report row (unique per week and person) is written in the transaction of its work notice, so a
re-run or a second instance sends nothing twice; the scheduler's lease keeps the instances from racing at all.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from cards.monitoring_report import ReportRow, WeeklyReport, weekly_report
from cards.outbound import WorkNotice
from handlers.errors import Forbidden
from handlers.monitoring.facts import Measure
from handlers.monitoring.period import Period
from handlers.monitoring.show_monitor import ShowMonitor, show_monitor
from handlers.monitoring.views import View
from handlers.reference.regions import Regions
from handlers.reviews.reviewers import userid_of
from store.models.indicators import WeeklyReport as ReportRecord
from store.models.organisation import CLOSED_STATUSES, Account, AccountRole, Institution, Role
from store.uow import UnitOfWork

RANK_BY = Measure.POINTS.value  # 贡献积分: the seed's measure of performance


@dataclass(frozen=True)
class WeeklyReportPolicy:
    zone: tzinfo
    monitor_page: str  # the workbench's 绩效监测 route, to which ?view=&from=&to= is added
    chart_link: str  # the public chart route, to which {token}/chart.png is added


@dataclass(frozen=True)
class ReportsSent:
    week_start: date
    sent: int


def last_week(today: date) -> Period:
    """Monday to Sunday of the week before the one `today` is in."""
    start = today - timedelta(days=today.weekday() + 7)
    return Period(start, start + timedelta(days=6))


async def send_weekly_reports(
    new_uow: Callable[[], UnitOfWork], policy: WeeklyReportPolicy, regions: Regions
) -> ReportsSent:
    async with new_uow() as uow:
        period = last_week(uow.clock.now().astimezone(policy.zone).date())
        done = set(
            await uow.session.scalars(select(ReportRecord.account_id).where(ReportRecord.week_start == period.start))
        )
        grants = (
            await uow.session.execute(
                select(AccountRole.account_id, AccountRole.role, AccountRole.region_code, Institution.name)
                .join(Account, Account.id == AccountRole.account_id)
                .outerjoin(Institution, Institution.id == AccountRole.institution_id)
                .where(
                    AccountRole.role.in_([Role.OFFICIAL, Role.INSTITUTION_ADMIN]),
                    Account.status.not_in(CLOSED_STATUSES),
                )
                .order_by(AccountRole.account_id, AccountRole.role.desc())  # official before institution_admin
            )
        ).all()
    recipients: dict[int, tuple[View, str]] = {}
    for account_id, role, region_code, institution in grants:
        if account_id in done or account_id in recipients:
            continue
        if role == Role.OFFICIAL and region_code:
            recipients[account_id] = (View.INSTITUTIONS, regions.name_of(region_code))
        elif role == Role.INSTITUTION_ADMIN and institution:
            recipients[account_id] = (View.CENTRES, institution)
    sent = 0
    for account_id, (view, scope) in recipients.items():
        sent += await _send_one(new_uow, policy, regions, period, account_id, view, scope)
    return ReportsSent(period.start, sent)


async def _send_one(
    new_uow: Callable[[], UnitOfWork],
    policy: WeeklyReportPolicy,
    regions: Regions,
    period: Period,
    account_id: int,
    view: View,
    scope: str,
) -> int:
    try:
        monitor = await show_monitor(ShowMonitor(account_id, view, period), new_uow(), policy.zone, regions)
    except Forbidden:
        return 0  # the role went between the listing and now
    token = secrets.token_urlsafe(24)
    query = f"view={view.value}&from={period.start.isoformat()}&to={period.end.isoformat()}"
    report = WeeklyReport(
        scope=scope,
        title=monitor.title,
        start=period.start,
        end=period.end,
        columns=tuple((c.key, c.label) for c in monitor.columns if c.key != Measure.REVIEW_HOURS.value),
        rows=tuple(ReportRow(r.name, r.figures) for r in monitor.rows),
        rank_by=RANK_BY,
        chart_url=f"{policy.chart_link}{token}/chart.png" if monitor.rows else None,
        link=f"{policy.monitor_page}?{query}",
    )
    try:
        async with new_uow() as uow:
            userid = await userid_of(uow, account_id)
            if userid is None:
                return 0  # not on DingTalk (yet): nothing to send, nothing kept
            now = uow.clock.now()
            uow.session.add(
                ReportRecord(week_start=period.start, account_id=account_id, view=view, token=token, sent_at=now)
            )
            await uow.session.flush()
            notice = WorkNotice(
                recipient=userid, msg=weekly_report(report), record=f"绩效周报 {period.start.isoformat()}"
            )
            await uow.send(notice)
            await uow.commit()
    except IntegrityError:
        return 0  # another instance sent this one
    return 1
