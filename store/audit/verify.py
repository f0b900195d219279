"""`kezhuan audit verify`: recompute every chain and the checkpoint chain, name what was tampered."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from store.audit.anchor import Anchor
from store.audit.checkpoint import chain_key, recorded_entries
from store.audit.hashing import ENTRY_FIELDS, GENESIS, checkpoint_hash, entry_hash, personal_digest
from store.models.audit import AuditCheckpoint, AuditEntry, AuditPersonalField


class Problem(StrEnum):
    EDITED = "edited"  # an entry's content no longer matches its hash
    MISSING = "missing"  # entries deleted from the middle of a chain
    RELINKED = "relinked"  # an entry that does not follow its predecessor: inserted or re-chained
    TRUNCATED = "truncated"  # the tail of a chain is shorter than a checkpoint recorded
    REWRITTEN = "rewritten"  # an entry now hashes to another value than a checkpoint or an anchor recorded
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
    # The places outside the database whose anchors were compared, and those that cannot be read back.
    compared: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    # Why a place that should have been compared was not, fully: it could not be read, or it does not reach the
    # newest checkpoint (an anchor write that failed, or an anchor removed). Not a tampering found; not a pass.
    incomplete: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


# chain → seq → {hash the entry had → where that was recorded}
Evidence = dict[str, dict[int, dict[str, str]]]


async def _entries(session: AsyncSession) -> AsyncIterator[AuditEntry]:
    stream = await session.stream_scalars(
        select(AuditEntry).order_by(AuditEntry.aggregate_type, AuditEntry.aggregate_id, AuditEntry.seq)
    )
    async for entry in stream:
        yield entry


def _recomputed(entry: AuditEntry) -> str:
    return entry_hash({name: getattr(entry, name) for name in ENTRY_FIELDS})


def _checkpoint_valid(cp: AuditCheckpoint) -> bool:
    return checkpoint_hash(seq=cp.seq, heads=cp.heads, created_at=cp.created_at, prev_hash=cp.prev_hash) == cp.hash


class _Chain:
    """The findings of one chain, at most one `rewritten` (the earliest; the re-hashed rest follows from it)."""

    def __init__(self, key: str, evidence: Mapping[int, dict[str, str]]) -> None:
        self.key, self.evidence = key, evidence
        self.findings: list[Finding] = []
        self.expected_seq, self.prev = 1, GENESIS
        self.rewritten: Finding | None = None
        self.later_rewritten = 0

    def add(self, entry: AuditEntry) -> None:
        at_seq = len(self.findings)
        if entry.seq != self.expected_seq:
            self.findings.append(
                Finding(
                    Problem.MISSING,
                    self.key,
                    self.expected_seq,
                    None,
                    f"entries {self.expected_seq}..{entry.seq - 1} are missing before entry id {entry.id}",
                )
            )
        recomputed = _recomputed(entry)
        if recomputed != entry.hash:
            self.findings.append(
                Finding(Problem.EDITED, self.key, entry.seq, entry.id, "content does not match its hash")
            )
        elif entry.prev_hash != self.prev and entry.seq == self.expected_seq:
            self.findings.append(
                Finding(Problem.RELINKED, self.key, entry.seq, entry.id, "does not follow the previous entry")
            )
        recorded = self.evidence.get(entry.seq, {})
        differs = sorted({source for digest, source in recorded.items() if digest != recomputed})
        if differs:
            if self.rewritten is not None:
                self.later_rewritten += 1
            elif len(self.findings) == at_seq or self.findings[-1].seq != entry.seq:
                self.rewritten = Finding(
                    Problem.REWRITTEN,
                    self.key,
                    entry.seq,
                    entry.id,
                    f"content differs from what {', '.join(differs)} recorded",
                )
                self.findings.append(self.rewritten)
            else:
                self.rewritten = self.findings[-1]
        self.expected_seq, self.prev = entry.seq + 1, entry.hash

    def close(self) -> list[Finding]:
        last_seq = self.expected_seq - 1
        beyond = [seq for seq in self.evidence if seq > last_seq]
        if beyond:
            sources = sorted({source for seq in beyond for source in self.evidence[seq].values()})
            self.findings.append(
                Finding(
                    Problem.TRUNCATED,
                    self.key,
                    last_seq + 1,
                    None,
                    f"{', '.join(sources)} recorded seq {max(beyond)}; the chain now ends at seq {last_seq}",
                )
            )
        if self.rewritten is not None and self.later_rewritten and self.rewritten in self.findings:
            index = self.findings.index(self.rewritten)
            self.findings[index] = replace(
                self.rewritten,
                detail=f"{self.rewritten.detail} (and {self.later_rewritten} later entries, re-hashed after it)",
            )
        return sorted(self.findings, key=lambda f: f.seq or 0)


async def verify_audit(
    session: AsyncSession,
    *,
    anchor: Anchor | None = None,
    anchors: Mapping[str, Sequence[Anchor]] | None = None,
) -> VerifyReport:
    """Verify against the anchors read from each place outside the database (source name → its anchors).

    The entries a checkpoint recorded are checked against the checkpoint rows that still hash right and do not
    contradict an anchor, and against every complete anchor: so a chain rewritten and re-hashed, even with the
    checkpoints recomputed and continued, is named at its earliest changed entry."""
    outside: dict[str, Sequence[Anchor]] = dict(anchors or {})
    if anchor is not None:
        outside.setdefault("anchor", [anchor])
    report = VerifyReport(findings=[], compared=sorted(outside))
    checkpoints = list((await session.execute(select(AuditCheckpoint).order_by(AuditCheckpoint.seq))).scalars())
    if checkpoints:
        newest = checkpoints[-1].seq
        for name, kept in sorted(outside.items()):
            reached = max((a.seq for a in kept), default=0)
            if reached < newest:
                report.incomplete.append(
                    f"{name} ends at checkpoint {reached}, the table at checkpoint {newest}: "
                    "an anchor write failed or anchors were removed; the newest checkpoints were not compared there"
                )
    anchor_findings = _against_anchors(checkpoints, outside)
    evidence = _evidence(checkpoints, outside)

    findings: list[Finding] = []
    chain: _Chain | None = None
    seen: set[str] = set()
    async for entry in _entries(session):
        key = chain_key(entry.aggregate_type, entry.aggregate_id)
        if chain is None or key != chain.key:
            if chain is not None:
                findings.extend(chain.close())
            chain = _Chain(key, evidence.get(key, {}))
            seen.add(key)
            report.chains += 1
        report.entries += 1
        chain.add(entry)
    if chain is not None:
        findings.extend(chain.close())
    for key in sorted(set(evidence) - seen):
        findings.extend(_Chain(key, evidence[key]).close())

    findings.extend(await _personal_fields(session))
    checkpoint_findings, report.checkpoints = _checkpoint_chain(checkpoints)
    findings.extend(checkpoint_findings)
    findings.extend(anchor_findings)
    report.findings = findings
    return report


def _evidence(checkpoints: Sequence[AuditCheckpoint], outside: Mapping[str, Sequence[Anchor]]) -> Evidence:
    anchored: dict[int, set[str]] = {}
    for anchors in outside.values():
        for anchor in anchors:
            anchored.setdefault(anchor.seq, set()).add(anchor.hash)
    evidence: Evidence = {}

    def note(heads: str, source: str) -> None:
        for key, seq, digest in recorded_entries(heads):
            evidence.setdefault(key, {}).setdefault(seq, {}).setdefault(digest, source)

    for name, anchors in sorted(outside.items()):
        for anchor in anchors:
            if anchor.heads is not None and anchor.consistent():
                note(anchor.heads, f"checkpoint {anchor.seq} as anchored in {name}")
    for cp in checkpoints:
        if _checkpoint_valid(cp) and anchored.get(cp.seq, {cp.hash}) == {cp.hash}:
            note(cp.heads, f"checkpoint {cp.seq}")
    return evidence


def _against_anchors(checkpoints: Sequence[AuditCheckpoint], outside: Mapping[str, Sequence[Anchor]]) -> list[Finding]:
    """Each anchored checkpoint must still be in the checkpoint chain, wherever it is, with the anchored hash."""
    by_hash = {cp.hash: cp for cp in checkpoints if _checkpoint_valid(cp)}
    by_seq = {cp.seq: cp for cp in checkpoints}
    problems: dict[int, tuple[int | None, list[str]]] = {}
    for name, anchors in sorted(outside.items()):
        for anchor in anchors:
            if not anchor.consistent():
                detail = f"the anchor kept in {name} does not hash to its own content"
            elif anchor.hash in by_hash:
                continue
            elif anchor.seq in by_seq:
                detail = f"differs from the checkpoint anchored in {name}"
            else:
                detail = f"the checkpoint anchored in {name} is no longer in the table"
            row = by_seq.get(anchor.seq)
            problems.setdefault(anchor.seq, (row.id if row else None, []))[1].append(detail)
    return [
        Finding(Problem.ANCHOR_MISMATCH, "checkpoints", seq, row_id, "; ".join(details))
        for seq, (row_id, details) in sorted(problems.items())
    ]


async def _personal_fields(session: AsyncSession) -> list[Finding]:
    findings = []
    rows = await session.stream(
        select(
            AuditPersonalField,
            AuditEntry.aggregate_type,
            AuditEntry.aggregate_id,
            AuditEntry.seq,
            AuditEntry.personal_digests,
        )
        .join(AuditEntry, AuditEntry.id == AuditPersonalField.entry_id)
        .where(AuditPersonalField.value.is_not(None))
        .order_by(AuditPersonalField.id)
    )
    async for personal, aggregate_type, aggregate_id, seq, digests in rows:
        expected = json.loads(digests).get(personal.field)
        if personal.salt is None or expected != personal_digest(personal.salt, personal.value or ""):
            findings.append(
                Finding(
                    Problem.PERSONAL_EDITED,
                    chain_key(aggregate_type, aggregate_id),
                    seq,
                    personal.entry_id,
                    f"personal field {personal.field!r} does not match its digest",
                )
            )
    return findings


def _checkpoint_chain(checkpoints: Sequence[AuditCheckpoint]) -> tuple[list[Finding], int]:
    findings = []
    prev, expected = GENESIS, 1
    for cp in checkpoints:
        if cp.seq != expected or cp.prev_hash != prev or not _checkpoint_valid(cp):
            findings.append(
                Finding(
                    Problem.CHECKPOINT_BROKEN, "checkpoints", cp.seq, cp.id, "checkpoint edited, removed or re-chained"
                )
            )
        prev, expected = cp.hash, cp.seq + 1
    return findings, len(checkpoints)
