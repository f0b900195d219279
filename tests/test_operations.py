"""Operations: masked JSON logs, Prometheus metrics, migrations, scheduler leases, the sandbox console."""

from __future__ import annotations

import io
import json
import logging
import re
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.bootstrap import Container, build_container
from bot.channels.test_channel import TestChannel
from bot.logs import MaskingFilter, mask
from bot.relay import Relay
from bot.settings import Settings
from bot.web import create_web_app
from cards.outbound import SmsMessage, TestMessage
from handlers.clock import ManualClock
from sandbox.demo import DemoContext, load_demo
from sandbox.demo.people import PEOPLE
from scheduler.lease import leased
from store.models.outbox import OutboxMessage
from tests.outbox_support import cli


def test_mobile_and_id_numbers_are_masked_in_log_text() -> None:
    text = "用户 13812345678 身份证 330106199001011234 订单 20261122000001234"
    masked = mask(text)
    assert "13812345678" not in masked and "138****5678" in masked
    assert "330106199001011234" not in masked and "330106********1234" in masked
    assert "20261122000001234" in masked, "a 17-digit order number is not an ID number"


def test_json_log_lines_mask_extra_fields_too() -> None:
    from pythonjsonlogger.json import JsonFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("%(levelname)s %(message)s"))
    handler.addFilter(MaskingFilter())
    logger = logging.getLogger("kezhuan.test.masking")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("sms to %s failed", "13812345678", extra={"recipient": "13912345678"})
    finally:
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert line["message"] == "sms to 138****5678 failed"
    assert line["recipient"] == "139****5678"


async def test_metrics_expose_outbox_depth_by_channel_and_request_counts(container: Container) -> None:
    async with container.uow() as uow:
        await uow.send(TestMessage(recipient="13800000004", body={"text": "a"}))
        await uow.send(SmsMessage(recipient="13800000004", template_code="SMS_NOTICE", params={"text": "b"}))
        await uow.commit()
    async with TestClient(TestServer(create_web_app(container))) as client:
        await client.get("/healthz")
        text = await (await client.get("/metrics")).text()
    assert 'kezhuan_outbox_depth{channel="test",status="pending"} 1.0' in text
    assert 'kezhuan_outbox_depth{channel="sms",status="pending"} 1.0' in text
    assert 'kezhuan_http_requests_total{method="GET",route="/healthz",status="200"}' in text


async def test_migrate_command_brings_a_new_database_to_head(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/fresh.db", data_dir=tmp_path)
    code, out = await cli(settings, "migrate", clock=ManualClock())
    assert code == 0 and "newest revision" in out
    code, out = await cli(settings, "outbox", "list", clock=ManualClock())
    assert code == 0


async def test_a_leased_job_runs_on_one_instance_only(container: Container) -> None:
    runs: list[str] = []

    async def job() -> None:
        runs.append("ran")

    first = leased(container.coordination, "digest", job, ttl_seconds=60)
    second = leased(container.coordination, "digest", job, ttl_seconds=60)
    await first()
    await second()
    assert runs == ["ran"]


async def test_console_lists_the_demo_people_with_their_inboxes(settings: Settings, clock: ManualClock) -> None:
    sandbox_settings = settings.model_copy(update={"sandbox": True})
    container = await build_container(sandbox_settings, clock=clock)
    try:
        assert container.sandbox is not None
        loaded = await load_demo(
            DemoContext(
                sandbox=container.sandbox,
                clock=clock,
                uow=container.uow,
                membership=container.membership_policy,
                demands=container.demand_policy,
            )
        )
        assert "people" in loaded
        async with TestClient(TestServer(create_web_app(container))) as client:
            page = await client.get("/sandbox")
            assert page.status == 200 and "科转沙箱控制台" in await page.text()
            people = (await (await client.get("/sandbox/api/people")).json())["people"]
            assert [p["name"] for p in people] == [p.name for p in PEOPLE]
            inbox = await client.get("/sandbox/api/people/staff/inbox")
            assert inbox.status == 200 and (await inbox.json())["items"] == []
            missing = await client.get("/sandbox/api/people/nobody/inbox")
            assert missing.status == 404
            # The welcome messages travel the real path: outbox → relay → test channel → phone inbox.
            test_channel = TestChannel(container.http, str(client.make_url("/sandbox/test-provider")))
            relay = Relay(
                sessionmaker=container.sessionmaker,
                channels={"test": test_channel},
                coordination=container.coordination,
                clock=clock,
                settings=container.settings.outbox,
                timezone=container.timezone,
            )
            assert await relay.run_once() == len(PEOPLE)
            items = (await (await client.get("/sandbox/api/people/staff/inbox")).json())["items"]
            assert [(i["channel"], i["title"]) for i in items] == [("test", "欢迎使用科转沙箱")]
            assert "张三，您好" in items[0]["body"]
        # Loading again (a restart of `make run`) does not queue the welcome messages twice.
        await load_demo(
            DemoContext(
                sandbox=container.sandbox,
                clock=clock,
                uow=container.uow,
                membership=container.membership_policy,
                demands=container.demand_policy,
            )
        )
        async with container.sessionmaker() as session:
            queued = (
                await session.execute(select(func.count()).where(OutboxMessage.source == "demo:welcome"))
            ).scalar_one()
        assert queued == len(PEOPLE)
    finally:
        await container.aclose()


async def test_scheduler_declares_its_jobs_in_shanghai_time(container: Container) -> None:
    from scheduler.runner import build_scheduler

    scheduler = build_scheduler(container)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {
        "audit-checkpoint",
        "wechat-inbox-prune",
        "membership-invitations-expire",
        "follow-up-reminders",
        "review-reminders",
        "expert-digest",
        "expert-digest-catch-up",
    }
    assert str(scheduler.timezone) == "Asia/Shanghai"
    assert "hour='3'" in str(jobs["wechat-inbox-prune"].trigger)


def _when(trigger: object) -> str:
    """A trigger's schedule (`interval[0:05:00]`, `cron[hour='3', minute='30']`); a one-off's is its instant,
    the moment the table was made, so only its kind counts."""
    return re.sub(r"^date\[.*\]$", "date", str(trigger))


async def test_the_job_table_names_each_job_once_and_every_row_is_registered_under_its_lease(
    settings: Settings, clock: ManualClock
) -> None:
    from scheduler.jobs import job_table
    from scheduler.runner import build_scheduler

    # Sandbox mode wires DingTalk, so the one row that depends on it is enabled as well.
    container = await build_container(settings.model_copy(update={"sandbox": True}), clock=clock)
    try:
        table = job_table(container)
        ids = [spec.id for spec in table]
        assert len(ids) == len(set(ids)) == 9
        assert all(spec.enabled for spec in table)
        jobs = {job.id: job for job in build_scheduler(container).get_jobs()}
        assert set(jobs) == set(ids)
        for spec in table:
            job = jobs[spec.id]
            assert (_when(job.trigger), job.misfire_grace_time, job.coalesce, job.max_instances) == (
                _when(spec.trigger),
                spec.misfire_grace_seconds,
                True,
                1,
            )
        assert jobs["expert-digest"].misfire_grace_time == 600
        assert "day_of_week='mon', hour='9', minute='0'" in str(jobs["monitoring-weekly-reports"].trigger)
        # A run takes the lease named by the row's id: another instance finds it held and skips the job.
        await jobs["membership-invitations-expire"].func()
        holder = "another-instance"
        assert not await container.coordination.acquire_lease(
            "job:membership-invitations-expire", holder, ttl_seconds=60
        )
        assert await container.coordination.acquire_lease("job:follow-up-reminders", holder, ttl_seconds=60)
    finally:
        await container.aclose()
