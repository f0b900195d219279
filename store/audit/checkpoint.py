"""Anchoring chain heads into the checkpoint chain."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.audit.anchor import Anchor
from store.audit.hashing import GENESIS, canonical, checkpoint_hash
from store.models.audit import AuditCheckpoint, AuditEntry

Heads = dict[str, tuple[int, str]]
CHAINS_PER_STATEMENT = 50


def chain_key(aggregate_type: str, aggregate_id: str) -> str:
    return f"{aggregate_type}:{aggregate_id}"


def recorded_entries(heads: str) -> Iterator[tuple[str, int, str]]:
    """(chain, seq, hash) of every entry a checkpoint's heads record.

    A head is [seq, hash, earlier]: `earlier` holds the hashes of the chain's entries since the previous
    checkpoint that recorded it, oldest first, so together the checkpoints record the hash of every entry.
    Checkpoints written before that hold [seq, hash] only."""
    for key, head in json.loads(heads).items():
        seq, digest = int(head[0]), str(head[1])
        earlier = head[2] if len(head) > 2 else []
        for offset, value in enumerate(earlier):
            yield key, seq - len(earlier) + offset, str(value)
        yield key, seq, digest


async def recorded_heads(session: AsyncSession) -> Heads:
    """The newest head each checkpoint recorded, per chain."""
    heads: Heads = {}
    rows = await session.execute(select(AuditCheckpoint.heads).order_by(AuditCheckpoint.seq))
    for (text,) in rows.all():
        for key, head in json.loads(text).items():
            heads[key] = (int(head[0]), str(head[1]))
    return heads


async def current_heads(session: AsyncSession) -> Heads:
    last_seq = (
        select(
            AuditEntry.aggregate_type,
            AuditEntry.aggregate_id,
            func.max(AuditEntry.seq).label("seq"),
        )
        .group_by(AuditEntry.aggregate_type, AuditEntry.aggregate_id)
        .subquery()
    )
    rows = await session.execute(
        select(AuditEntry.aggregate_type, AuditEntry.aggregate_id, AuditEntry.seq, AuditEntry.hash).join(
            last_seq,
            (AuditEntry.aggregate_type == last_seq.c.aggregate_type)
            & (AuditEntry.aggregate_id == last_seq.c.aggregate_id)
            & (AuditEntry.seq == last_seq.c.seq),
        )
    )
    return {chain_key(t, i): (s, h) for t, i, s, h in rows.all()}


async def _earlier_hashes(session: AsyncSession, moved: Heads, recorded: Heads) -> dict[str, list[str]]:
    """The hashes of each moved chain's entries after its recorded head and before its new one."""
    wanted = {key: (recorded.get(key, (0, GENESIS))[0], seq) for key, (seq, _hash) in moved.items()}
    found: dict[str, dict[int, str]] = {key: {} for key in wanted}
    keys = sorted(key for key, (after, head) in wanted.items() if head - after > 1)
    for start in range(0, len(keys), CHAINS_PER_STATEMENT):
        some = keys[start : start + CHAINS_PER_STATEMENT]
        terms = []
        for key in some:
            kind, _, name = key.partition(":")
            after, head = wanted[key]
            terms.append(
                and_(
                    AuditEntry.aggregate_type == kind,
                    AuditEntry.aggregate_id == name,
                    AuditEntry.seq > after,
                    AuditEntry.seq < head,
                )
            )
        rows = await session.execute(
            select(AuditEntry.aggregate_type, AuditEntry.aggregate_id, AuditEntry.seq, AuditEntry.hash).where(
                or_(*terms)
            )
        )
        for kind, name, seq, digest in rows.all():
            found[chain_key(kind, name)][seq] = digest
    # A seq missing here (deleted before the first checkpoint saw it) leaves a hole the verifier reports anyway.
    return {
        key: [hashes[seq] for seq in sorted(hashes)]
        for key, hashes in found.items()
        if len(hashes) == wanted[key][1] - wanted[key][0] - 1
    }


async def create_checkpoint(session: AsyncSession, *, now: datetime) -> Anchor | None:
    """Record every head that moved since the last checkpoint, with the hashes of the entries before it since
    then; None when nothing moved.

    The caller writes the returned anchor to its anchor sinks after the commit, so an anchor never names a
    checkpoint that was rolled back. One scheduler runs this at a time (a lease); the unique seq turns a second
    writer into an error.
    """
    recorded = await recorded_heads(session)
    moved = {k: h for k, h in (await current_heads(session)).items() if recorded.get(k) != h}
    if not moved:
        return None
    earlier = await _earlier_hashes(session, moved, recorded)
    last = (
        await session.execute(select(AuditCheckpoint).order_by(AuditCheckpoint.seq.desc()).limit(1))
    ).scalar_one_or_none()
    seq = last.seq + 1 if last else 1
    prev = last.hash if last else GENESIS
    heads = canonical({key: [s, h, earlier.get(key, [])] for key, (s, h) in sorted(moved.items())})
    digest = checkpoint_hash(seq=seq, heads=heads, created_at=now, prev_hash=prev)
    session.add(AuditCheckpoint(seq=seq, heads=heads, created_at=now, prev_hash=prev, hash=digest))
    await session.flush()
    return Anchor(seq=seq, hash=digest, prev_hash=prev, created_at=now, heads=heads)
