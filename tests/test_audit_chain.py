"""The audit chain: untouched chains verify; edits, deletions and truncation are named; erasure is safe."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from bot.bootstrap import Container
from handlers.audit.anchor_audit_heads import anchor_audit_heads
from handlers.audit.erase_personal_data import ErasePersonalData, erase_personal_data
from handlers.audit.verify_audit_chain import verify_audit_chain
from handlers.clock import ManualClock
from store.audit.verify import Finding, Problem
from store.models.audit import AuditCheckpoint, AuditEntry, AuditPersonalField
from tests.outbox_support import cli


async def build_history(container: Container, clock: ManualClock) -> None:
    """Two demands with five steps each; the submitter's phone is a personal field."""
    for demand in ("1", "2"):
        for step, action in enumerate(["submitted", "approved", "docked", "followed_up", "completed"]):
            async with container.uow() as uow:
                uow.record(
                    "demand",
                    demand,
                    action,
                    actor="staff:7",
                    data={"step": step, "title": f"需求{demand}"},
                    personal={"submitter_phone": ("person:7", "13800000004")},
                )
                await uow.commit()
            clock.advance(60)
    await anchor_audit_heads(container.uow(), container.anchors)


async def findings(container: Container) -> list[Finding]:
    report = await verify_audit_chain(container.uow(), container.anchors)
    return report.findings or []


async def entry(container: Container, demand: str, seq: int) -> AuditEntry:
    async with container.sessionmaker() as session:
        return (
            await session.execute(select(AuditEntry).where(AuditEntry.aggregate_id == demand, AuditEntry.seq == seq))
        ).scalar_one()


async def execute(container: Container, statement: object) -> None:
    async with container.sessionmaker() as session, session.begin():
        await session.execute(statement)  # type: ignore[call-overload]


async def test_untouched_chains_verify(container: Container, clock: ManualClock) -> None:
    await build_history(container, clock)
    report = await verify_audit_chain(container.uow(), container.anchors)
    assert report.ok, report.findings
    assert (report.chains, report.entries, report.checkpoints) == (2, 10, 1)


async def test_an_updated_entry_is_named(container: Container, clock: ManualClock) -> None:
    await build_history(container, clock)
    target = await entry(container, "2", 3)
    await execute(container, update(AuditEntry).where(AuditEntry.id == target.id).values(data='{"step":99}'))
    found = await findings(container)
    assert found[0].problem == Problem.EDITED
    assert (found[0].chain, found[0].seq, found[0].entry_id) == ("demand:2", 3, target.id)


async def test_a_rehashed_edit_is_still_caught_by_the_next_link(container: Container, clock: ManualClock) -> None:
    await build_history(container, clock)
    target = await entry(container, "1", 2)
    await execute(container, update(AuditEntry).where(AuditEntry.id == target.id).values(hash="f" * 64))
    found = await findings(container)
    assert found[0].problem == Problem.EDITED and found[0].seq == 2
    assert any(f.problem == Problem.RELINKED and f.seq == 3 for f in found)


async def test_a_deletion_in_the_middle_is_named(container: Container, clock: ManualClock) -> None:
    await build_history(container, clock)
    target = await entry(container, "1", 3)
    await execute(container, delete(AuditPersonalField).where(AuditPersonalField.entry_id == target.id))
    await execute(container, delete(AuditEntry).where(AuditEntry.id == target.id))
    found = await findings(container)
    assert found[0].problem == Problem.MISSING
    assert (found[0].chain, found[0].seq) == ("demand:1", 3)
    assert "missing" in found[0].describe()


async def test_deleting_the_last_entries_is_detected_as_a_truncated_tail(
    container: Container, clock: ManualClock
) -> None:
    await build_history(container, clock)
    for seq in (4, 5):
        target = await entry(container, "2", seq)
        await execute(container, delete(AuditPersonalField).where(AuditPersonalField.entry_id == target.id))
        await execute(container, delete(AuditEntry).where(AuditEntry.id == target.id))
    found = await findings(container)
    assert [(f.problem, f.chain, f.seq) for f in found] == [(Problem.TRUNCATED, "demand:2", 4)]


async def test_erasing_a_person_keeps_the_chain_green(container: Container, clock: ManualClock) -> None:
    await build_history(container, clock)
    erased = await erase_personal_data(ErasePersonalData(subject="person:7", requested_by="sysadmin"), container.uow())
    assert erased == 10
    async with container.sessionmaker() as session:
        values = (await session.execute(select(AuditPersonalField.value))).scalars().all()
    assert values == [None] * 10, "the phone number is gone"
    await anchor_audit_heads(container.uow(), container.anchors)
    assert await findings(container) == []


async def test_an_edited_personal_value_is_named(container: Container, clock: ManualClock) -> None:
    await build_history(container, clock)
    await execute(container, update(AuditPersonalField).values(value="13900000000"))
    found = await findings(container)
    assert found and all(f.problem == Problem.PERSONAL_EDITED for f in found)


async def test_a_truncated_checkpoint_table_is_caught_by_the_outside_anchor(
    container: Container, clock: ManualClock
) -> None:
    await build_history(container, clock)
    await execute(container, delete(AuditCheckpoint))
    found = await findings(container)
    assert [f.problem for f in found] == [Problem.ANCHOR_MISMATCH]


async def test_checkpoints_record_only_chains_that_moved(container: Container, clock: ManualClock) -> None:
    await build_history(container, clock)
    assert await anchor_audit_heads(container.uow(), container.anchors) is None
    async with container.uow() as uow:
        uow.record("demand", "2", "closed", actor="staff:7")
        await uow.commit()
    anchor = await anchor_audit_heads(container.uow(), container.anchors)
    assert anchor is not None and anchor.seq == 2
    async with container.sessionmaker() as session:
        heads = (await session.execute(select(AuditCheckpoint.heads).where(AuditCheckpoint.seq == 2))).scalar_one()
    assert "demand:2" in heads and "demand:1" not in heads


async def test_audit_verify_command_names_the_first_tampered_entry(container: Container, clock: ManualClock) -> None:
    await build_history(container, clock)
    code, out = await cli(container.settings, "audit", "verify", clock=clock)
    assert code == 0 and "audit chain intact: 2 chains, 10 entries, 1 checkpoints" in out
    target = await entry(container, "1", 2)
    await execute(container, update(AuditEntry).where(AuditEntry.id == target.id).values(actor="someone-else"))
    code, out = await cli(container.settings, "audit", "verify", clock=clock)
    assert code == 1
    assert f"first: edited: demand:1 seq 2 (entry id {target.id})" in out
