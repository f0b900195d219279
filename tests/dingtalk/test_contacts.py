"""Contact events are kept before they are acknowledged and applied after, from the kept row: recorded once
each (also when DingTalk leaves the eventId header out), never acknowledged as done unless applied, and an
event we could not apply stays, with its raw payload, to be replayed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select

from bot.bootstrap import Container, build_container
from bot.dingtalk.client import DingTalkClient
from bot.dingtalk.contacts import ContactEvents
from bot.dingtalk.stream import StreamRunner
from bot.dingtalk.wiring import build_router
from handlers.clock import ManualClock
from handlers.membership.apply_membership_event import MemberFacts
from handlers.membership.contact_events import (
    MAX_ATTEMPTS,
    KeepContactEvent,
    ReplayContactEvents,
    keep_contact_event,
    replay_contact_events,
)
from sandbox.dingtalk import gateway_key
from scheduler.runner import build_scheduler
from store.models.audit import AuditEntry
from store.models.dingtalk import DingTalkContactEvent
from tests.dingtalk.conftest import DingTalkWorld, eventually
from tests.outbox_support import cli
from tests.policies import MEMBERSHIP


async def recorded(container: Container) -> list[str]:
    async with container.sessionmaker() as session:
        rows = await session.execute(
            select(AuditEntry.aggregate_id)
            .where(AuditEntry.aggregate_type == "dingtalk_member")
            .order_by(AuditEntry.id)
        )
        return list(rows.scalars().all())


async def kept(container: Container) -> list[DingTalkContactEvent]:
    async with container.sessionmaker() as session:
        return list(await session.scalars(select(DingTalkContactEvent).order_by(DingTalkContactEvent.id)))


async def test_events_without_an_event_id_header_are_not_taken_for_one_another(container: Container) -> None:
    events = ContactEvents(container.uow, container.clock, policy=MEMBERSHIP)
    # The payload's eventId stands in for the header; failing that, the frame's messageId.
    await events.handle(
        message_id="m1", event_type="user_add_org", event_id=None, data={"eventId": "e1", "userId": ["u1"]}
    )
    await events.handle(
        message_id="m2", event_type="user_add_org", event_id=None, data={"eventId": "e2", "userId": ["u2"]}
    )
    await events.handle(message_id="m3", event_type="user_add_org", event_id=None, data={"userId": ["u3"]})
    await events.handle(message_id="m4", event_type="user_add_org", event_id=None, data={"userId": ["u4"]})
    # Redeliveries of the same events change nothing.
    await events.handle(
        message_id="m9", event_type="user_add_org", event_id=None, data={"eventId": "e2", "userId": ["u2"]}
    )
    await events.handle(message_id="m4", event_type="user_add_org", event_id=None, data={"userId": ["u4"]})
    await events.flush()
    assert await recorded(container) == ["u1", "u2", "u3", "u4"]
    assert [e.status for e in await kept(container)] == ["done"] * 4


@dataclass
class Directory:
    """DingTalk's member lookup: blocked until `open` is set, failing while `failures` last."""

    known: dict[str, MemberFacts] = field(default_factory=dict)
    failures: int = 0
    open: asyncio.Event = field(default_factory=asyncio.Event)
    asked: list[str] = field(default_factory=list)

    async def member(self, userid: str) -> MemberFacts | None:
        self.asked.append(userid)
        await self.open.wait()
        if self.failures:
            self.failures -= 1
            raise ConnectionError("DingTalk answered 502")
        return self.known.get(userid)


@pytest.fixture
def directory() -> Directory:
    return Directory()


@pytest.fixture
async def stream(
    world: DingTalkWorld, client: DingTalkClient, container: Container, directory: Directory
) -> AsyncIterator[StreamRunner]:
    built = StreamRunner(
        world.settings(),
        build_router(container, client),
        ContactEvents(container.uow, container.clock, members=directory, policy=MEMBERSHIP),
        reconnect_base_seconds=0.05,
        watchdog_interval_seconds=0.05,
    )
    await built.start()
    await eventually(lambda: len(world.state.connections) == 1)
    yield built
    await built.stop()


async def push(world: DingTalkWorld, event_type: str, data: dict[str, Any], event_id: str) -> str:
    """Pushes a contact event through the sandbox Stream gateway; the ack's status."""
    gateway = world.server.app[gateway_key]
    ack = await gateway.push(
        "EVENT", event_type, {"eventId": event_id, **data}, eventType=event_type, eventId=event_id, timeout=5.0
    )
    return str(json.loads(ack["data"])["status"])


async def test_the_ack_waits_on_keeping_the_event_never_on_the_member_lookup(
    world: DingTalkWorld, container: Container, stream: StreamRunner, directory: Directory
) -> None:
    directory.known["dt-new"] = MemberFacts("dt-new", "13800000009", active=True)
    # The lookup hangs: the event is acknowledged anyway, kept, and not applied yet.
    assert await push(world, "user_add_org", {"userId": ["dt-new"]}, "ev-1") == "SUCCESS"
    await eventually(lambda: directory.asked == ["dt-new"])
    [event] = await kept(container)
    assert (event.status, event.payload["userId"]) == ("pending", ["dt-new"]) and await recorded(container) == []
    # A redelivery of the frame is acknowledged and keeps nothing twice.
    assert await push(world, "user_add_org", {"userId": ["dt-new"]}, "ev-1") == "SUCCESS"
    directory.open.set()
    await stream.contacts.flush()
    [event] = await kept(container)
    assert event.status == "done" and await recorded(container) == ["dt-new"]


async def test_a_lookup_that_fails_is_retried_in_the_background_and_then_applied(
    world: DingTalkWorld, container: Container, stream: StreamRunner, directory: Directory
) -> None:
    directory.open.set()
    directory.failures = 2
    assert await push(world, "user_active_org", {"userId": ["dt-sun"]}, "ev-2") == "SUCCESS"
    await stream.contacts.flush()
    [event] = await kept(container)
    assert (event.status, event.attempts) == ("done", 3) and directory.asked == ["dt-sun"] * 3
    assert [a["headers"]["messageId"] for a in world.state.acks].count(event.message_id) == 1  # acked once


async def test_a_payload_of_a_shape_we_do_not_know_is_kept_for_replay_not_used_up(
    world: DingTalkWorld, container: Container, stream: StreamRunner, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("ERROR", logger="bot.dingtalk.contacts"):
        assert await push(world, "user_leave_org", {"staffIds": "dt-zhang"}, "ev-3") == "SUCCESS"
        await stream.contacts.flush()
    [event] = await kept(container)
    assert event.status == "unreadable" and event.payload["staffIds"] == "dt-zhang"
    assert event.last_error is not None and "userId" in event.last_error
    assert any("shape we do not know" in r.getMessage() for r in caplog.records)
    assert await recorded(container) == []
    # Once we read that shape (here: the row's payload corrected by hand), the kept event is replayed.
    async with container.sessionmaker() as session, session.begin():
        row = await session.get_one(DingTalkContactEvent, event.id)
        row.payload = {**row.payload, "userId": ["dt-zhang"]}
    assert await replay_contact_events(ReplayContactEvents(), container.uow()) == [event.id]
    assert await stream.contacts.apply(event.id) == "done"
    assert await recorded(container) == ["dt-zhang"]
    # A done event is never replayed.
    assert await replay_contact_events(ReplayContactEvents((event.id,)), container.uow()) == []


async def test_a_lookup_that_keeps_failing_marks_the_event_failed_and_the_cli_replays_it(
    world: DingTalkWorld, container: Container, stream: StreamRunner, directory: Directory
) -> None:
    directory.open.set()
    directory.failures = MAX_ATTEMPTS
    assert await push(world, "user_add_org", {"userId": ["dt-li"]}, "ev-4") == "SUCCESS"
    await stream.contacts.flush()
    [event] = await kept(container)
    assert (event.status, event.attempts) == ("failed", MAX_ATTEMPTS)
    assert event.last_error is not None and "502" in event.last_error

    code, out = await cli(container.settings, "dingtalk", "events", "--status", "failed", clock=container.clock)
    assert code == 0 and f"{event.id}\tuser_add_org\tfailed\tattempts={MAX_ATTEMPTS}" in out, out
    code, out = await cli(container.settings, "dingtalk", "replay-events", clock=container.clock)
    assert code == 0 and f"{event.id}\tdone" in out and "replayed 1 contact event(s)" in out, out
    assert await recorded(container) == ["dt-li"]


async def test_a_pending_event_left_by_a_stopped_instance_is_applied_at_the_next_start(
    world: DingTalkWorld, client: DingTalkClient, container: Container, stream: StreamRunner, directory: Directory
) -> None:
    directory.known["dt-new"] = MemberFacts("dt-new", "13800000009", active=False)
    assert await push(world, "user_add_org", {"userId": ["dt-new"]}, "ev-5") == "SUCCESS"
    await eventually(lambda: directory.asked == ["dt-new"])
    await stream.stop()  # while the lookup hangs: the event stays kept, pending
    assert [e.status for e in await kept(container)] == ["pending"]
    await eventually(lambda: not world.state.connections)
    directory.open.set()
    restarted = StreamRunner(
        world.settings(),
        build_router(container, client),
        ContactEvents(container.uow, container.clock, members=directory, policy=MEMBERSHIP),
        reconnect_base_seconds=0.05,
        watchdog_interval_seconds=0.05,
    )
    await restarted.start()
    try:
        await eventually(lambda: recorded_is(container, ["dt-new"]))
    finally:
        await restarted.stop()
    assert [e.status for e in await kept(container)] == ["done"]


async def keep(container: Container, event: KeepContactEvent) -> int:
    """What the Stream adapter does before the ack, without the adapter."""
    async with container.uow() as uow:
        row_id = await keep_contact_event(event, uow)
        await uow.commit()
    return row_id


async def recorded_is(container: Container, expected: list[str]) -> bool:
    return await recorded(container) == expected


async def test_two_instances_applying_one_kept_event_apply_it_once(container: Container) -> None:
    first, second = (ContactEvents(container.uow, container.clock, policy=MEMBERSHIP) for _ in range(2))
    row_id = await keep(container, KeepContactEvent("user_leave_org", "ev-6", "m-6", {"userId": ["dt-zhang"]}))
    assert row_id is not None
    assert sorted(await asyncio.gather(first.apply(row_id), second.apply(row_id))) == ["done", "done"]
    assert await recorded(container) == ["dt-zhang"]
    [event] = await kept(container)
    assert (event.status, event.attempts) == ("done", 1)


async def test_the_scheduler_applies_what_a_stream_instance_left_pending(
    world: DingTalkWorld, container: Container, clock: ManualClock
) -> None:
    row_id = await keep(container, KeepContactEvent("user_leave_org", "ev-7", "m-7", {"userId": ["dt-zhao"]}))
    assert row_id is not None  # kept, then the instance stopped before applying it
    scheduling = await build_container(
        container.settings.model_copy(update={"dingtalk": world.settings()}), clock=clock
    )
    try:
        job = build_scheduler(scheduling).get_job("dingtalk-contact-events")
        assert job is not None
        await job.func()
    finally:
        await scheduling.aclose()
    assert await recorded(container) == ["dt-zhao"]
    assert [e.status for e in await kept(container)] == ["done"]
