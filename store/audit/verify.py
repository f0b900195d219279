"""`kezhuan audit verify`: recompute every chain and the checkpoint chain, name what was tampered."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from store.audit.anchor import Anchor
from store.audit.checkpoint import Heads, chain_key, recorded_heads
from store.audit.hashing import ENTRY_FIELDS, GENESIS, checkpoint_hash, entry_hash, personal_digest
from store.models.audit import AuditCheckpoint, AuditEntry, AuditPersonalField


class Problem(StrEnum):
    EDITED = "edited"  # an entry's content no longer matches its hash
    MISSING = "missing"  # entries deleted from the middle of a chain
    RELINKED = "relinked"  # an entry that does not follow its predecessor: inserted or re-chained
    TRUNCATED = "truncated"  # the tail of a chain is shorter than a checkpoint recorded
    REWRITTEN = "rewritten"  # the entry a checkpoint recorded now has another hash
    PERSONAL_EDITED = "personal_edited"  # a personal value no longer matches its digest
    CHECKPOINT_BROKEN = "checkpoint_broken"
    ANCHOR_MISMATCH = "anchor_mismatch"


@dataclass(frozen=True)
class Finding:
    problem: Problem
    chain: str
    seq: int | None
    entry_id: int | None
    detail: str

    def describe(self) -> str:
        where = f"{self.chain} seq {self.seq}" if self.seq is not None else self.chain
        ident = f" (entry id {self.entry_id})" if self.entry_id is not None else ""
        return f"{self.problem}: {where}{ident}: {self.detail}"


@dataclass
class VerifyReport:
    chains: int = 0
    entries: int = 0
    checkpoints: int = 0
    findings: list[Finding] | None = None

    @property
    def ok(self) -> bool:
        return not self.findings


async def _entries(session: AsyncSession) -> AsyncIterator[AuditEntry]:
    stream = await session.stream_scalars(
        select(AuditEntry).order_by(AuditEntry.aggregate_type, AuditEntry.aggregate_id, AuditEntry.seq)
    )
    async for entry in stream:
        yield entry


def _recomputed(entry: AuditEntry) -> str:
    return entry_hash({name: getattr(entry, name) for name in ENTRY_FIELDS})


async def verify_audit(session: AsyncSession, *, anchor: Anchor | None) -> VerifyReport:
    report = VerifyReport(findings=[])
    findings: list[Finding] = []
    recorded = await recorded_heads(session)
    seen: dict[str, tuple[int, str, dict[int, str]]] = {}
    current: str | None = None
    expected_seq, prev = 1, GENESIS
    hashes: dict[int, str] = {}

    def close_chain() -> None:
        if current is not None:
            seen[current] = (expected_seq - 1, prev, dict(hashes))

    async for entry in _entries(session):
        key = chain_key(entry.aggregate_type, entry.aggregate_id)
        if key != current:
            close_chain()
            current, expected_seq, prev, hashes = key, 1, GENESIS, {}
            report.chains += 1
        report.entries += 1
        if entry.seq != expected_seq:
            findings.append(
                Finding(Problem.MISSING, key, expected_seq, None,
                        f"entries {expected_seq}..{entry.seq - 1} are missing before entry id {entry.id}")
            )
        if _recomputed(entry) != entry.hash:
            findings.append(Finding(Problem.EDITED, key, entry.seq, entry.id, "content does not match its hash"))
        elif entry.prev_hash != prev and entry.seq == expected_seq:
            findings.append(
                Finding(Problem.RELINKED, key, entry.seq, entry.id, "does not follow the previous entry")
            )
        hashes[entry.seq] = entry.hash
        expected_seq, prev = entry.seq + 1, entry.hash
    close_chain()

    findings.extend(_against_checkpoints(recorded, seen))
    findings.extend(await _personal_fields(session))
    checkpoint_findings, report.checkpoints = await _checkpoint_chain(session, anchor)
    findings.extend(checkpoint_findings)
    report.findings = findings
    return report


def _against_checkpoints(recorded: Heads, seen: dict[str, tuple[int, str, dict[int, str]]]) -> list[Finding]:
    findings = []
    for key, (seq, digest) in sorted(recorded.items()):
        last_seq, _head, hashes = seen.get(key, (0, GENESIS, {}))
        if last_seq < seq:
            findings.append(
                Finding(Problem.TRUNCATED, key, last_seq + 1, None,
                        f"a checkpoint recorded seq {seq}; the chain now ends at seq {last_seq}")
            )
        elif hashes.get(seq) != digest:
            findings.append(
                Finding(Problem.REWRITTEN, key, seq, None, "differs from the hash a checkpoint recorded")
            )
    return findings


async def _personal_fields(session: AsyncSession) -> list[Finding]:
    findings = []
    rows = await session.stream(
        select(AuditPersonalField, AuditEntry.aggregate_type, AuditEntry.aggregate_id, AuditEntry.personal_digests)
        .join(AuditEntry, AuditEntry.id == AuditPersonalField.entry_id)
        .where(AuditPersonalField.value.is_not(None))
        .order_by(AuditPersonalField.id)
    )
    async for field, aggregate_type, aggregate_id, digests in rows:
        expected = json.loads(digests).get(field.field)
        if field.salt is None or expected != personal_digest(field.salt, field.value or ""):
            findings.append(
                Finding(Problem.PERSONAL_EDITED, chain_key(aggregate_type, aggregate_id), None, field.entry_id,
                        f"personal field {field.field!r} does not match its digest")
            )
    return findings


async def _checkpoint_chain(session: AsyncSession, anchor: Anchor | None) -> tuple[list[Finding], int]:
    findings = []
    prev, expected, count = GENESIS, 1, 0
    last: AuditCheckpoint | None = None
    for cp in (await session.execute(select(AuditCheckpoint).order_by(AuditCheckpoint.seq))).scalars():
        count += 1
        digest = checkpoint_hash(seq=cp.seq, heads=cp.heads, created_at=cp.created_at, prev_hash=cp.prev_hash)
        if cp.seq != expected or cp.prev_hash != prev or digest != cp.hash:
            findings.append(
                Finding(Problem.CHECKPOINT_BROKEN, "checkpoints", cp.seq, cp.id,
                        "checkpoint edited, removed or re-chained")
            )
        prev, expected, last = cp.hash, cp.seq + 1, cp
    if anchor is not None:
        if last is None or last.seq < anchor.seq:
            findings.append(
                Finding(Problem.ANCHOR_MISMATCH, "checkpoints", anchor.seq, None,
                        "the anchor names a checkpoint that is no longer in the table")
            )
        elif last.seq == anchor.seq and last.hash != anchor.hash:
            findings.append(
                Finding(Problem.ANCHOR_MISMATCH, "checkpoints", anchor.seq, last.id,
                        "the latest checkpoint differs from the anchor kept outside the database")
            )
    return findings, count
