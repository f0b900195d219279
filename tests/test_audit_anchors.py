"""The second anchor: a place outside the database the administrator cannot rewrite together with the first."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer
from pydantic import ValidationError
from sqlalchemy import select

from bot.bootstrap import Container, build_container
from bot.settings import AuditSettings, SecondAnchorSettings, Settings
from handlers.audit.anchor_audit_heads import AnchorNotWritten, anchor_audit_heads
from handlers.audit.verify_audit_chain import verify_audit_chain
from handlers.clock import ManualClock
from sandbox.audit_anchor import anchors_key, audit_anchor_sandbox_app
from store.audit.anchor import Anchor, FileAnchorStore
from store.audit.verify import Problem
from store.models.audit import AuditCheckpoint
from store.models.outbox import OutboxMessage
from tests.outbox_support import cli
from tests.test_audit_chain import build_history, entry
from tests.test_audit_tampering import recompute_checkpoints, rest_rehashed


@asynccontextmanager
async def with_second_anchor(settings: Settings, clock: ManualClock, **second: Any) -> AsyncIterator[Container]:
    audit = AuditSettings(anchor_path=settings.audit.anchor_path, second_anchor=SecondAnchorSettings(**second))
    container = await build_container(settings.model_copy(update={"audit": audit}), clock=clock)
    try:
        yield container
    finally:
        await container.aclose()


async def rewrite_the_anchor_file(container: Container, path: Path) -> None:
    """What an administrator who can also write the anchor file does after recomputing the checkpoints."""
    async with container.sessionmaker() as session:
        checkpoints = (await session.execute(select(AuditCheckpoint).order_by(AuditCheckpoint.seq))).scalars()
        forged = [
            Anchor(seq=cp.seq, hash=cp.hash, prev_hash=cp.prev_hash, created_at=cp.created_at, heads=cp.heads)
            for cp in checkpoints
        ]
    path.unlink()
    for anchor in forged:
        FileAnchorStore(path).append(anchor)


async def test_a_second_file_catches_a_rewrite_that_also_rewrote_the_anchor_file(
    settings: Settings, clock: ManualClock, tmp_path: Path
) -> None:
    second = tmp_path / "worm" / "anchor.jsonl"
    async with with_second_anchor(settings, clock, kind="file", path=second) as container:
        await build_history(container, clock)
        target = await entry(container, "1", 2)
        await rest_rehashed(container, clock)
        await recompute_checkpoints(container)
        await rewrite_the_anchor_file(container, settings.audit.anchor_path)

        report = await verify_audit_chain(container.uow(), container.anchors)
        assert report.compared == sorted([f"file {settings.audit.anchor_path}", f"file {second}"])
        found = report.findings or []
        assert (found[0].problem, found[0].chain, found[0].seq, found[0].entry_id) == (
            Problem.REWRITTEN,
            "demand:1",
            2,
            target.id,
        )
        assert str(second) in found[0].detail
        assert [(f.problem, f.seq) for f in found if f.chain == "checkpoints"] == [(Problem.ANCHOR_MISMATCH, 1)]

    # With the anchor file alone, the same rewrite leaves nothing to compare with: why the second place exists.
    async with with_second_anchor(settings, clock) as alone:
        assert (await verify_audit_chain(alone.uow(), alone.anchors)).ok


async def test_every_anchored_checkpoint_is_kept_and_an_old_single_anchor_file_still_reads(
    container: Container, clock: ManualClock, settings: Settings
) -> None:
    path = settings.audit.anchor_path
    path.parent.mkdir(parents=True, exist_ok=True)
    await build_history(container, clock)
    async with container.sessionmaker() as session:
        first = (await session.execute(select(AuditCheckpoint))).scalar_one()
    # The earlier format: one JSON object, the latest checkpoint's seq and hash, no newline.
    path.write_text(json.dumps({"seq": first.seq, "hash": first.hash}), "utf-8")
    async with container.uow() as uow:
        uow.record("demand", "1", "closed", actor="staff:7")
        await uow.commit()
    await anchor_audit_heads(container.uow(), container.anchors)
    kept = FileAnchorStore(path).load()
    assert [(a.seq, a.complete) for a in kept] == [(1, False), (2, True)]
    assert (await verify_audit_chain(container.uow(), container.anchors)).ok


async def test_anchors_are_posted_to_an_http_endpoint_and_read_back(settings: Settings, clock: ManualClock) -> None:
    app = audit_anchor_sandbox_app()  # the receiver sandbox mode mounts at /sandbox/audit-anchor/
    received = app[anchors_key]
    async with TestServer(app, host="127.0.0.1") as server:
        url = str(server.make_url("/anchors"))
        async with with_second_anchor(settings, clock, kind="http", url=url, read_url=url) as container:
            await build_history(container, clock)
            assert [(r["seq"], r["hash"]) for r in received] == [
                (a.seq, a.hash) for a in FileAnchorStore(settings.audit.anchor_path).load()
            ]
            report = await verify_audit_chain(container.uow(), container.anchors)
            assert report.ok and f"HTTP {url}" in report.compared

            # The endpoint keeps the true history even when both the database and the anchor file are rewritten.
            await rest_rehashed(container, clock)
            await recompute_checkpoints(container)
            await rewrite_the_anchor_file(container, settings.audit.anchor_path)
            found = (await verify_audit_chain(container.uow(), container.anchors)).findings or []
            assert (found[0].chain, found[0].seq) == ("demand:1", 2) and url in found[0].detail


async def test_an_unreachable_http_anchor_is_reported_not_compared(settings: Settings, clock: ManualClock) -> None:
    app = web.Application()
    async with TestServer(app, host="127.0.0.1") as server:
        url = str(server.make_url("/anchors"))  # no such route: 404 to the POST and to the GET
        async with with_second_anchor(settings, clock, kind="http", url=url, read_url=url) as container:
            await build_history_without_anchor(container, clock)
            with pytest.raises(AnchorNotWritten, match="checkpoint 1 committed but not anchored in HTTP .*HTTP 404"):
                await anchor_audit_heads(container.uow(), container.anchors)
            # The checkpoint committed and the anchor file has it, whatever the endpoint answered.
            assert [a.seq for a in FileAnchorStore(settings.audit.anchor_path).load()] == [1]
            report = await verify_audit_chain(container.uow(), container.anchors)
            assert report.ok
            assert report.compared == [f"file {settings.audit.anchor_path}"]
            assert len(report.incomplete) == 1 and "HTTP 404" in report.incomplete[0]


async def build_history_without_anchor(container: Container, clock: ManualClock) -> None:
    async with container.uow() as uow:
        uow.record("demand", "1", "submitted", actor="staff:7", data={"step": 0})
        await uow.commit()


async def test_an_auditor_gets_each_anchor_as_a_work_notice(settings: Settings, clock: ManualClock) -> None:
    async with with_second_anchor(settings, clock, kind="dingtalk", auditor_userid="auditor01") as container:
        await build_history(container, clock)
        async with container.sessionmaker() as session:
            notices = (await session.execute(select(OutboxMessage))).scalars().all()
            checkpoint = (await session.execute(select(AuditCheckpoint))).scalar_one()
        assert [(n.channel, n.recipient) for n in notices] == [("dingtalk.work_notice", "auditor01")]
        text = notices[0].payload["msg"]["text"]["content"]
        assert "检查点 1" in text and checkpoint.hash in text
        report = await verify_audit_chain(container.uow(), container.anchors)
        assert report.ok and report.unreadable == ["DingTalk work notice to auditor01"]
        assert report.incomplete == []


def test_a_second_anchor_needs_its_destination(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError, match="needs audit.second_anchor.url"):
        SecondAnchorSettings(kind="http")
    monkeypatch.setenv("KEZHUAN_AUDIT__SECOND_ANCHOR__KIND", "dingtalk")
    monkeypatch.setenv("KEZHUAN_AUDIT__SECOND_ANCHOR__AUDITOR_USERID", "auditor01")
    assert Settings().audit.second_anchor == SecondAnchorSettings(kind="dingtalk", auditor_userid="auditor01")


async def test_audit_verify_says_what_it_compared(container: Container, clock: ManualClock, settings: Settings) -> None:
    await build_history(container, clock)
    code, out = await cli(settings, "audit", "verify", clock=clock)
    assert code == 0, out
    assert f"compared with the anchors in: file {settings.audit.anchor_path}" in out


async def test_the_sandbox_receiver_refuses_a_record_without_seq_and_hash() -> None:
    async with TestServer(audit_anchor_sandbox_app(), host="127.0.0.1") as server, ClientSession() as http:
        async with http.post(server.make_url("/anchors"), json={"seq": 1}) as response:
            assert response.status == 400 and (await response.json())["error"] == "missing_fields"
        async with http.post(server.make_url("/anchors"), data=b"not json") as response:
            assert response.status == 400
        async with http.get(server.make_url("/anchors")) as response:
            assert await response.json() == {"anchors": []}


async def test_a_removed_anchor_file_is_not_a_pass(
    container: Container, clock: ManualClock, settings: Settings
) -> None:
    await build_history(container, clock)
    settings.audit.anchor_path.unlink()
    report = await verify_audit_chain(container.uow(), container.anchors)
    assert report.ok, "nothing in the database was tampered"
    assert report.incomplete == [
        f"file {settings.audit.anchor_path} ends at checkpoint 0, the table at checkpoint 1: an anchor write failed "
        "or anchors were removed; the newest checkpoints were not compared there"
    ]
    code, out = await cli(settings, "audit", "verify", clock=clock)
    assert code == 2, out
    assert "audit chain INCOMPLETE" in out and "ends at checkpoint 0" in out
