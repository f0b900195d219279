"""The daily digest run: every expert with new matches gets one template message, each pair at most once.

Experts are matched in id ranges, one transaction each: the digest rows, their outbox rows and the pair rows
commit together, so a crash, a restart or a rerun leaves either all of an expert's digest or none of it. The
unique (expert, business date) digest row makes a second instance or a rerun skip whoever already has one;
the unique (expert, demand) pair row makes a demand go to an expert once, ever.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import IntegrityError

from cards.expert_digest import digest_template
from cards.outbound import WeChatTemplate
from handlers.expert_digest.matching import matches
from handlers.expert_digest.policy import DigestPolicy
from store.models.expert_digest import DigestMessage, DigestPair, DigestRun, DigestRunStatus, ExpertSubscription
from store.models.outbox import OutboxMessage, OutboxStatus
from store.uow import UnitOfWork

log = logging.getLogger(__name__)

# A run row left "running" longer than this belongs to an instance that died; the next run takes over.
STALE_RUN = timedelta(hours=2)


@dataclass(frozen=True)
class RunDigest:
    business_date: date
    trigger: str  # schedule / catch_up / manual / console
    instance: str


@dataclass(frozen=True)
class DigestRunResult:
    business_date: date
    status: str  # a DigestRunStatus, or "busy": another instance is running this date
    messages: int
    pairs: int


@dataclass(frozen=True)
class _Digest:
    expert_id: int
    openid: str
    demands: list[tuple[int, str]]  # (id, title), newest first


def first_window(business_date: date, policy: DigestPolicy, timezone: ZoneInfo) -> datetime:
    """Local midnight `first_digest_days` before the business date."""
    return datetime.combine(business_date - timedelta(days=policy.first_digest_days), datetime.min.time(), timezone)


async def _claim(uow: UnitOfWork, cmd: RunDigest) -> DigestRun | None:
    now = uow.clock.now()
    run = await uow.session.scalar(
        select(DigestRun).where(DigestRun.business_date == cmd.business_date).with_for_update()
    )
    if run is None:
        run = DigestRun(
            business_date=cmd.business_date,
            status=DigestRunStatus.RUNNING,
            trigger=cmd.trigger,
            instance=cmd.instance,
            attempts=1,
            experts=0,
            demands=0,
            started_at=now,
            finished_at=None,
        )
        uow.session.add(run)
        try:
            await uow.session.flush()
        except IntegrityError:  # another instance inserted it a moment ago
            return None
        return run
    if run.status == DigestRunStatus.RUNNING and run.started_at > now - STALE_RUN:
        return None
    run.status, run.trigger, run.instance = DigestRunStatus.RUNNING, cmd.trigger, cmd.instance
    run.attempts += 1
    run.started_at, run.finished_at = now, None
    return run


def _group(rows: list[Any]) -> list[_Digest]:
    digests: list[_Digest] = []
    for expert_id, openid, demand_id, title in rows:
        if not digests or digests[-1].expert_id != expert_id:
            digests.append(_Digest(expert_id, openid, []))
        digests[-1].demands.append((demand_id, title))
    return digests


async def _send_chunk(
    uow: UnitOfWork, digests: list[_Digest], run: DigestRun, window: datetime, policy: DigestPolicy
) -> tuple[int, int]:
    """Digest rows, outbox rows and pair rows for the chunk; experts someone else sent to meanwhile are skipped."""
    if uow.session.get_bind().dialect.name == "postgresql":
        return await _send_chunk_pg(uow, digests, run, window, policy)
    now = uow.clock.now()
    inserted = (
        await uow.session.execute(
            sqlite.insert(DigestMessage)
            .on_conflict_do_nothing(index_elements=["expert_id", "business_date"])
            .returning(DigestMessage.id, DigestMessage.expert_id),
            [
                {
                    "expert_id": d.expert_id,
                    "business_date": run.business_date,
                    "run_id": run.id,
                    "outbox_id": None,
                    "openid": d.openid,
                    "demand_count": len(d.demands),
                    "first_title": d.demands[0][1],
                    "window_start": window,
                    "created_at": now,
                }
                for d in digests
            ],
        )
    ).all()
    message_of = {expert_id: message_id for message_id, expert_id in inserted}
    sent = [d for d in digests if d.expert_id in message_of]
    if not sent:
        return 0, 0
    messages = [_message(d, message_of[d.expert_id], run, policy) for d in sent]
    outbox_ids = (
        await uow.session.scalars(
            insert(OutboxMessage).returning(OutboxMessage.id, sort_by_parameter_order=True),
            [
                {
                    "channel": str(m.channel),
                    "recipient": m.recipient,
                    "payload": m.to_payload(),
                    "platform_key": m.platform_key,
                    "source": m.source,
                    "status": OutboxStatus.PENDING,
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
                for m in messages
            ],
        )
    ).all()
    await uow.session.execute(
        update(DigestMessage),
        [
            {"id": message_of[d.expert_id], "outbox_id": outbox_id}
            for d, outbox_id in zip(sent, outbox_ids, strict=True)
        ],
    )
    pairs = [
        {"expert_id": d.expert_id, "demand_id": demand_id, "digest_message_id": message_of[d.expert_id]}
        for d in sent
        for demand_id, _ in d.demands
    ]
    await uow.session.execute(insert(DigestPair), pairs)
    return len(sent), len(pairs)


def _message(digest: _Digest, message_id: int, run: DigestRun, policy: DigestPolicy) -> WeChatTemplate:
    """Written in bulk rather than through `uow.send` (a run sends thousands), with the same row fields."""
    content = digest_template(
        template_id=policy.template_id,
        first_title=digest.demands[0][1],
        count=len(digest.demands),
        business_date=run.business_date,
        miniapp_app_id=policy.miniapp_app_id,
        page=policy.page,
        digest_id=message_id,
    )
    # The client_msg_id: WeChat drops a repeat to the same openid for 10 minutes.
    return WeChatTemplate.of(
        content, recipient=digest.openid, client_msg_id=f"digest-{message_id}", source=f"digest:{message_id}"
    )


async def _send_chunk_pg(
    uow: UnitOfWork, digests: list[_Digest], run: DigestRun, window: datetime, policy: DigestPolicy
) -> tuple[int, int]:
    """The same rows on PostgreSQL, each table in one statement over arrays rather than row by row."""
    now = uow.clock.now()
    inserted = (
        await uow.session.execute(
            _PG_MESSAGES,
            {
                "experts": [d.expert_id for d in digests],
                "openids": [d.openid for d in digests],
                "counts": [len(d.demands) for d in digests],
                "titles": [d.demands[0][1] for d in digests],
                "day": run.business_date,
                "run": run.id,
                "window": window,
                "now": now,
            },
        )
    ).all()
    message_of = {expert_id: message_id for message_id, expert_id in inserted}
    sent = [d for d in digests if d.expert_id in message_of]
    if not sent:
        return 0, 0
    ids = [message_of[d.expert_id] for d in sent]
    messages = [_message(d, i, run, policy) for d, i in zip(sent, ids, strict=True)]
    outbox = (
        await uow.session.execute(
            _PG_OUTBOX,
            {
                "channel": str(WeChatTemplate.channel),
                "recipients": [m.recipient for m in messages],
                "payloads": [json.dumps(m.to_payload(), ensure_ascii=False) for m in messages],
                "keys": [m.platform_key for m in messages],
                "sources": [m.source for m in messages],
                "now": now,
            },
        )
    ).all()
    await uow.session.execute(
        _PG_OUTBOX_IDS,
        {
            "ids": [int(source.removeprefix("digest:")) for _, source in outbox],
            "outbox": [outbox_id for outbox_id, _ in outbox],
        },
    )
    pairs = [(d.expert_id, demand_id, message_of[d.expert_id]) for d in sent for demand_id, _ in d.demands]
    experts, demands, messages = (list(column) for column in zip(*pairs, strict=True))
    await uow.session.execute(_PG_PAIRS, {"experts": experts, "demands": demands, "messages": messages})
    return len(sent), len(pairs)


_PG_MESSAGES = text(
    "INSERT INTO digest_messages (expert_id, business_date, run_id, outbox_id, openid, demand_count, first_title, "
    "window_start, created_at) "
    "SELECT u.expert_id, :day, :run, NULL, u.openid, u.count, u.title, :window, :now "
    "FROM unnest(CAST(:experts AS bigint[]), CAST(:openids AS text[]), CAST(:counts AS int[]), "
    "CAST(:titles AS text[])) AS u(expert_id, openid, count, title) "
    "ON CONFLICT (expert_id, business_date) DO NOTHING RETURNING id, expert_id"
)
_PG_OUTBOX = text(
    "INSERT INTO outbox_messages (channel, recipient, payload, platform_key, source, status, attempts, "
    "next_attempt_at, created_at, updated_at) "
    "SELECT :channel, u.recipient, CAST(u.payload AS json), u.key, u.source, 'pending', 0, :now, :now, :now "
    "FROM unnest(CAST(:recipients AS text[]), CAST(:payloads AS text[]), CAST(:keys AS text[]), "
    "CAST(:sources AS text[])) AS u(recipient, payload, key, source) RETURNING id, source"
)
_PG_OUTBOX_IDS = text(
    "UPDATE digest_messages SET outbox_id = u.outbox_id "
    "FROM unnest(CAST(:ids AS bigint[]), CAST(:outbox AS bigint[])) AS u(id, outbox_id) "
    "WHERE digest_messages.id = u.id"
)
_PG_PAIRS = text(
    "INSERT INTO digest_pairs (expert_id, demand_id, digest_message_id) "
    "SELECT * FROM unnest(CAST(:experts AS bigint[]), CAST(:demands AS bigint[]), CAST(:messages AS bigint[]))"
)


async def run_digest(
    cmd: RunDigest,
    new_uow: Callable[[], UnitOfWork],
    policy: DigestPolicy,
    timezone: ZoneInfo,
    paused: Callable[[], Awaitable[bool]],
) -> DigestRunResult:
    """`paused`: whether the template channel is paused by the daily quota (45009), asked before each chunk."""
    async with new_uow() as uow:
        run = await _claim(uow, cmd)
        if run is None:
            return DigestRunResult(cmd.business_date, "busy", 0, 0)
        run_id = run.id
        bounds = (
            await uow.session.execute(
                select(func.min(ExpertSubscription.expert_id), func.max(ExpertSubscription.expert_id))
            )
        ).one()
        # Counted once: while this run holds the date, no other instance adds digest rows for it.
        used = (
            await uow.session.scalar(
                select(func.count()).select_from(DigestMessage).where(DigestMessage.business_date == cmd.business_date)
            )
            or 0
        )
        await uow.commit()
    window = first_window(cmd.business_date, policy, timezone)
    status, messages, pairs = DigestRunStatus.FINISHED, 0, 0
    try:
        lo, top = (bounds[0] or 0), (bounds[1] or -1)
        while lo <= top:
            async with new_uow() as uow:
                if await paused():
                    status = DigestRunStatus.PAUSED
                    log.error(
                        "digest run stopped: template channel paused by the daily quota",
                        extra={"business_date": str(cmd.business_date), "messages": messages},
                    )
                    break
                room = policy.daily_cap - used - messages
                if room <= 0:
                    status = DigestRunStatus.CAPPED
                    log.error(
                        "digest run stopped: daily cap reached",
                        extra={"business_date": str(cmd.business_date), "cap": policy.daily_cap},
                    )
                    break
                run = await uow.session.get(DigestRun, run_id)
                assert run is not None
                dialect = uow.session.get_bind().dialect.name
                if dialect == "postgresql":
                    # The planner guesses 100 rows per json_array_elements_text call, which lifts the cost past
                    # the JIT threshold: compiling then takes seconds for a statement that runs in milliseconds.
                    await uow.session.execute(text("SET LOCAL jit = off"))
                rows = (
                    await uow.session.execute(
                        matches(
                            dialect=dialect,
                            app_id=policy.app_id,
                            business_date=cmd.business_date,
                            first_window=window,
                            lo=lo,
                            hi=lo + policy.chunk_size,
                        )
                    )
                ).all()
                digests = _group(list(rows))
                over = len(digests) > room
                if digests:
                    sent, paired = await _send_chunk(uow, digests[:room], run, window, policy)
                    messages, pairs = messages + sent, pairs + paired
                await uow.commit()
                if digests and dialect == "postgresql":
                    # A run can double these tables; without fresh statistics the next range's plan misjudges
                    # the anti-joins on them (measured in bench/digest.py). Its own short transaction.
                    await uow.session.execute(text("ANALYZE digest_pairs, digest_messages"))
                    await uow.commit()
                if over:
                    status = DigestRunStatus.CAPPED
                    log.error(
                        "digest run stopped: daily cap reached",
                        extra={"business_date": str(cmd.business_date), "cap": policy.daily_cap},
                    )
                    break
            lo += policy.chunk_size
    except Exception:
        status = DigestRunStatus.FAILED
        raise
    finally:
        await _finish(new_uow, run_id, status, messages, pairs)
    return DigestRunResult(cmd.business_date, status, messages, pairs)


async def _finish(new_uow: Callable[[], UnitOfWork], run_id: int, status: str, messages: int, pairs: int) -> None:
    async with new_uow() as uow:
        run = await uow.session.get(DigestRun, run_id, with_for_update=True)
        assert run is not None
        run.status, run.finished_at = status, uow.clock.now()
        run.experts += messages
        run.demands += pairs
        uow.record(
            "digest_run",
            run.id,
            "digest_run_finished",
            actor=f"system:{run.trigger}",
            data={
                "business_date": str(run.business_date),
                "status": status,
                "messages": messages,
                "pairs": pairs,
                "instance": run.instance,
            },
        )
        await uow.commit()
