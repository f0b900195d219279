"""Anchoring chain heads into the checkpoint chain."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.audit.anchor import Anchor
from store.audit.hashing import GENESIS, canonical, checkpoint_hash
from store.models.audit import AuditCheckpoint, AuditEntry

Heads = dict[str, tuple[int, str]]


def chain_key(aggregate_type: str, aggregate_id: str) -> str:
    return f"{aggregate_type}:{aggregate_id}"


async def recorded_heads(session: AsyncSession) -> Heads:
    """The newest head each checkpoint recorded, per chain."""
    heads: Heads = {}
    rows = await session.execute(select(AuditCheckpoint.heads).order_by(AuditCheckpoint.seq))
    for (text,) in rows.all():
        for key, (seq, digest) in json.loads(text).items():
            heads[key] = (int(seq), str(digest))
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


async def create_checkpoint(session: AsyncSession, *, now: datetime) -> Anchor | None:
    """Record every head that moved since the last checkpoint; None when nothing moved.

    The caller writes the returned anchor to its AnchorStore after the commit, so the anchor never
    names a checkpoint that was rolled back. One scheduler runs this at a time (a lease); the unique
    seq turns a second writer into an error.
    """
    recorded = await recorded_heads(session)
    moved = {k: h for k, h in (await current_heads(session)).items() if recorded.get(k) != h}
    if not moved:
        return None
    last = (
        await session.execute(select(AuditCheckpoint).order_by(AuditCheckpoint.seq.desc()).limit(1))
    ).scalar_one_or_none()
    seq = last.seq + 1 if last else 1
    prev = last.hash if last else GENESIS
    heads = canonical({key: [s, h] for key, (s, h) in sorted(moved.items())})
    digest = checkpoint_hash(seq=seq, heads=heads, created_at=now, prev_hash=prev)
    session.add(AuditCheckpoint(seq=seq, heads=heads, created_at=now, prev_hash=prev, hash=digest))
    await session.flush()
    return Anchor(seq=seq, hash=digest)
