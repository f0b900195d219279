"""Appending to an aggregate's own hash chain, inside the caller's transaction."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.audit.hashing import GENESIS, canonical, entry_hash, personal_digest
from store.models.audit import AuditEntry, AuditPersonalField


async def append_entry(
    session: AsyncSession,
    *,
    aggregate_type: str,
    aggregate_id: str,
    action: str,
    actor: str | None,
    data: dict[str, Any],
    personal: dict[str, tuple[str, str]],
    now: datetime,
) -> int:
    """The caller holds the aggregate's row lock, which serialises appends to this chain; the
    unique (type, id, seq) constraint turns a caller that forgot into an error, not a fork."""
    last = (
        await session.execute(
            select(AuditEntry.seq, AuditEntry.hash)
            .where(AuditEntry.aggregate_type == aggregate_type, AuditEntry.aggregate_id == aggregate_id)
            .order_by(AuditEntry.seq.desc())
            .limit(1)
        )
    ).first()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    salts = {field: secrets.token_hex(16) for field in personal}
    digests = canonical(
        {field: personal_digest(salts[field], value) for field, (_subject, value) in personal.items()}
    )
    fields: dict[str, Any] = {
        "aggregate_type": aggregate_type,
        "aggregate_id": aggregate_id,
        "seq": seq,
        "action": action,
        "actor": actor,
        "data": canonical(data),
        "personal_digests": digests,
        "occurred_at": now,
        "prev_hash": prev_hash,
    }
    # A Core INSERT … RETURNING: the entry is never read back through the session, and an ORM flush per
    # entry costs more CPU than the statement (three entries per review decision).
    entry_id: int = (await session.execute(
        insert(AuditEntry).values(**fields, hash=entry_hash(fields)).returning(AuditEntry.id)
    )).scalar_one()
    if personal:
        session.add_all(
            AuditPersonalField(entry_id=entry_id, subject=subject, field=field, value=value, salt=salts[field])
            for field, (subject, value) in personal.items()
        )
        await session.flush()
    return entry_id
