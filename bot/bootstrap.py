"""The composition root: settings in, every collaborator built once and handed down."""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import aiohttp
import aiohttp.web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import metrics
from bot.audit_anchors import audit_anchors
from bot.channels.base import Channel
from bot.channels.test_channel import TestChannel
from bot.coordination import Coordination, connect
from bot.dingtalk.membership import membership_policy as dingtalk_membership_policy
from bot.dingtalk.wiring import dingtalk_settings, wire_dingtalk
from bot.registry.wiring import build_registry
from bot.settings import Settings
from bot.wechat.config import resolve_wechat_config
from bot.wechat.wiring import expert_push_policy as wechat_expert_push_policy
from bot.wechat.wiring import wire_wechat
from handlers.audit.anchors import AuditAnchors
from handlers.auth.policy import AuthPolicy
from handlers.calendar.office_hours import OfficeHours
from handlers.clock import Clock, OffsetClock, SystemClock
from handlers.demands.policy import DemandPolicy
from handlers.enterprises.ports import BusinessRegistry
from handlers.expert_digest.policy import DigestPolicy
from handlers.expert_push.policy import ExpertPushPolicy
from handlers.files.ports import FileStorage
from handlers.follow_up_reminders.policy import FollowUpReminderPolicy
from handlers.membership.policy import MembershipPolicy
from handlers.reference.regions import Regions
from handlers.registration.chains import certification_review, institution_review
from handlers.registration.manager_chains import manager_chains
from handlers.registration.policy import NumberFormat, RegistrationPolicy
from handlers.reviews.chains import register_chain
from handlers.reviews.deadlines import configure_review_deadlines
from store.db import create_engine, create_sessionmaker
from store.filestore import LocalFileStorage
from store.uow import UnitOfWork
from store.working_calendar import CalendarOverrides, ChineseWorkingCalendar, load_overrides

if TYPE_CHECKING:
    from sandbox.state import SandboxState
    from sandbox.test_provider import TestProviderState

ReadinessCheck = Callable[[], Awaitable[bool]]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Container:
    """Built once by build_container and never reassigned: every policy here is made from settings there, and
    use cases get the one they need passed in (none of them has a default). Only the channel and readiness
    tables are filled after construction, by the wiring in build_container (and the stream role's readiness)."""

    settings: Settings
    clock: Clock
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    coordination: Coordination
    anchors: AuditAnchors
    http: aiohttp.ClientSession
    files: FileStorage
    auth_policy: AuthPolicy
    membership_policy: MembershipPolicy
    demand_policy: DemandPolicy
    registration_policy: RegistrationPolicy
    office_hours: OfficeHours
    # The calendar office_hours counts with; refresh() reads the schedules a system admin loaded.
    calendar: ChineseWorkingCalendar
    follow_up_policy: FollowUpReminderPolicy
    digest_policy: DigestPolicy
    channels: dict[str, Channel] = field(default_factory=dict)
    readiness: dict[str, ReadinessCheck] = field(default_factory=dict)
    sandbox: SandboxState | None = None
    test_provider: TestProviderState | None = None
    # The business registry (工商信息) the settings chose; None means enterprises are entered by hand only.
    registry: BusinessRegistry | None = None
    # Set when an official account is configured (or the sandbox's): pushing experts needs one.
    expert_push_policy: ExpertPushPolicy | None = None

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessionmaker, self.clock)

    async def aclose(self) -> None:
        await self.http.close()
        await self.coordination.close()
        await self.engine.dispose()


# Where web views find the container; defined here so every web module can import it.
container_key = aiohttp.web.AppKey("container", Container)


def demand_policy(settings: Settings) -> DemandPolicy:
    """The fee floor, the detail page, the enterprise SMS template and the business timezone; built once per
    process."""
    demands = settings.demands.model_dump()
    if not demands["detail_page"]:
        # Unless told otherwise, the cards open the workbench this service hosts (webapp.web, served in every
        # mode) at its public base URL: 查看详情 → the demand's page.
        demands["detail_page"] = f"{settings.base_url}/m/workbench/#/demands/"
    return DemandPolicy(**demands, timezone=settings.timezone)


def registration_policy(settings: Settings) -> RegistrationPolicy:
    """Number formats (checked here, at start-up), the certification page and the decision SMS template."""
    reg = settings.registration
    if not Regions.load().exists(reg.individual_region):
        # A typo would send every individual manager's registration to no reviewer at all.
        raise ValueError(f"KEZHUAN_REGISTRATION__INDIVIDUAL_REGION {reg.individual_region} is no region code")
    page = reg.certification_page
    if settings.sandbox and not page:
        page = f"{settings.base_url}/m/workbench/#/certification/"
    return RegistrationPolicy(
        number_format=reg.number_format,
        number_formats=tuple(NumberFormat(f.pattern, f.year, f.region_prefix) for f in reg.number_formats),
        certification_page=page,
        sms_decision_template=reg.sms_decision_template,
        timezone=settings.timezone,
        manager_page=f"{settings.base_url}/m/workbench/#/technology-manager/" if settings.sandbox else "",
        institution_page=reg.institution_page
        or (f"{settings.base_url}/m/workbench/#/institution-registration/" if settings.sandbox else ""),
        update_opens=reg.update_opens,
        update_closes=reg.update_closes,
        wechat_decision_template=reg.wechat_decision_template,
        individual_region=reg.individual_region,
    )


def auth_policy(settings: Settings) -> AuthPolicy:
    """Built once per process, not per request."""
    return AuthPolicy(**settings.auth.model_dump(), timezone=settings.timezone)


def membership_policy(settings: Settings) -> MembershipPolicy:
    """How long DingTalk invitations stay open and where the welcome card leads (nowhere without a DingTalk
    app); built once per process."""
    dingtalk = dingtalk_settings(settings)
    if dingtalk is None:
        return MembershipPolicy(invitation_days=settings.dingtalk.invitation_days, workbench_link="")
    return dingtalk_membership_policy(dingtalk)


def expert_push_policy(settings: Settings) -> ExpertPushPolicy | None:
    """Set when an official account is configured (or the sandbox's): pushing experts needs one."""
    config = resolve_wechat_config(settings)
    return None if config is None else wechat_expert_push_policy(settings, config)


def working_calendar(settings: Settings, clock: Clock | None = None) -> ChineseWorkingCalendar:
    """The holiday schedules (shipped, and loaded into the database once refreshed) plus the operator's
    overrides; a year without a schedule raises the alert metric once a day by `clock`."""
    cal = settings.calendar
    overrides = CalendarOverrides.of(cal.holidays, cal.workdays)
    if cal.overrides_path is not None:
        overrides = overrides.merged(load_overrides(cal.overrides_path))
    zone = ZoneInfo(settings.timezone)
    now = (clock or SystemClock()).now

    def uncovered(year: int) -> None:
        metrics.calendar_uncovered_years.labels(year=str(year)).inc()
        metrics.calendar_year_without_schedule.labels(year=str(year)).set(1)

    return ChineseWorkingCalendar(overrides, on_uncovered_year=uncovered, today=lambda: now().astimezone(zone).date())


def office_hours(settings: Settings, calendar: ChineseWorkingCalendar | None = None) -> OfficeHours:
    """The working-day calendar and its office hours."""
    cal = settings.calendar
    return OfficeHours(
        calendar or working_calendar(settings), ZoneInfo(settings.timezone), cal.office_opens, cal.office_closes
    )


def follow_up_policy(settings: Settings) -> FollowUpReminderPolicy:
    return FollowUpReminderPolicy(**settings.follow_up.model_dump())


def digest_policy(settings: Settings) -> DigestPolicy:
    """The daily digest's template, page, schedule and cap; built once per process (the sandbox's account
    in sandbox mode)."""
    wechat = resolve_wechat_config(settings)
    return DigestPolicy(
        app_id=wechat.app_id if wechat else "",
        miniapp_app_id=wechat.miniapp_app_id if wechat else "",
        **settings.digest.model_dump(),
    )


def export_library_environment(settings: Settings) -> None:
    """dingtalk-stream reads its endpoint from the environment at import; set it from our settings."""
    os.environ["DINGTALK_OPENAPI_ENDPOINT"] = settings.dingtalk.api_base_url


def settings_clock(settings: Settings) -> Clock:
    """The one clock of a process: the system's, or shifted to `clock_start` when that is configured."""
    if settings.clock_start is None:
        return SystemClock()
    log.warning("clock starts at %s, not the system time", settings.clock_start.isoformat())
    return OffsetClock(settings.clock_start)


def _sandbox_states(settings: Settings) -> tuple[SandboxState | None, TestProviderState | None]:
    if not settings.sandbox:
        return None, None
    from sandbox.state import SandboxState
    from sandbox.test_provider import TestProviderState

    return SandboxState(), TestProviderState()


async def build_container(settings: Settings, *, clock: Clock | None = None) -> Container:
    export_library_environment(settings)
    engine = create_engine(settings.database_url, pool_size=settings.database_pool_size)
    clock = clock or settings_clock(settings)
    calendar = working_calendar(settings, clock)
    http = aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=settings.outbox.send_timeout_seconds),
        trust_env=False,
    )
    hours = office_hours(settings, calendar)
    # Review clocks count on this calendar; the demand review's limit is a setting.
    configure_review_deadlines(hours, demand_review_days=settings.reviews.demand_review_days)
    register_chain(certification_review(settings.registration.certification_review_days))
    register_chain(institution_review(settings.registration.institution_review_days))
    for chain in manager_chains(settings.registration.manager_review_days):
        register_chain(chain)
    sandbox, test_provider = _sandbox_states(settings)
    channels: dict[str, Channel] = {}
    if settings.test_channel_url:
        channels[TestChannel.name] = TestChannel(http, settings.test_channel_url)
    container = Container(
        settings=settings,
        clock=clock,
        engine=engine,
        sessionmaker=create_sessionmaker(engine),
        coordination=Coordination(connect(settings.redis_url), namespace=f"kz:{settings.environment}"),
        anchors=audit_anchors(settings.audit, http),
        http=http,
        files=LocalFileStorage(settings.files_dir),
        auth_policy=auth_policy(settings),
        membership_policy=membership_policy(settings),
        demand_policy=demand_policy(settings),
        registration_policy=registration_policy(settings),
        office_hours=hours,
        calendar=calendar,
        follow_up_policy=follow_up_policy(settings),
        digest_policy=digest_policy(settings),
        channels=channels,
        sandbox=sandbox,
        test_provider=test_provider,
        registry=build_registry(settings, http),
        expert_push_policy=expert_push_policy(settings),
    )
    wire_wechat(container)

    async def database_ready() -> bool:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True

    wire_dingtalk(container)  # DingTalk relay channels, when configured or in sandbox mode
    container.readiness["database"] = database_ready
    container.readiness["redis"] = container.coordination.ping
    return container
