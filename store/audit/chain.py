"""Appending to aggregates' own hash chains, inside the caller's transaction.

A unit of work collects its entries and appends them together before it commits: one read of the chains'
heads and one INSERT for the entries without personal fields, whatever their number."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import CompoundSelect, bindparam, insert, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from store.audit.hashing import GENESIS, canonical, entry_hash, personal_digest
from store.base import table_of
from store.models.audit import AuditEntry, AuditPersonalField

_ENTRIES = table_of(AuditEntry)
HEADS_PER_STATEMENT = 50


@cache
def _heads(chains: int) -> CompoundSelect[Any]:
    """The last entry of each of `chains` chains, each found by a backward scan of the unique (type, id, seq)
    index (a read of one index entry, however long the chain), in one statement for all of them."""
    latest = [
        select(_ENTRIES.c.aggregate_type, _ENTRIES.c.aggregate_id, _ENTRIES.c.seq, _ENTRIES.c.hash)
        .where(_ENTRIES.c.aggregate_type == bindparam(f"type_{n}"), _ENTRIES.c.aggregate_id == bindparam(f"id_{n}"))
        .order_by(_ENTRIES.c.seq.desc())
        .limit(1)
        .subquery(f"head_{n}")
        for n in range(chains)
    ]
    return union_all(*(select(head) for head in latest))


_INSERT = insert(_ENTRIES)
_INSERT_ONE = insert(_ENTRIES).returning(_ENTRIES.c.id)
_INSERT_PERSONAL = insert(table_of(AuditPersonalField))


@dataclass(frozen=True)
class PendingEntry:
    aggregate_type: str
    aggregate_id: str
    action: str
    actor: str | None
    data: dict[str, Any]
    # field name → (subject, value); only a salted digest enters the chain.
    personal: dict[str, tuple[str, str]]
    occurred_at: datetime


async def append_entries(session: AsyncSession, entries: Sequence[PendingEntry]) -> None:
    """The callers hold the aggregates' row locks until the commit, which serialises appends to each chain;
    the unique (type, id, seq) constraint turns a caller that forgot into an error, not a fork."""
    if not entries:
        return
    chains = list(dict.fromkeys((e.aggregate_type, e.aggregate_id) for e in entries))
    heads: dict[tuple[str, str], tuple[int, str]] = {}
    # A bulk import touches hundreds of chains: SQLite allows 500 terms in a compound SELECT.
    for start in range(0, len(chains), HEADS_PER_STATEMENT):
        some = chains[start : start + HEADS_PER_STATEMENT]
        params = {
            key: value for n, (kind, name) in enumerate(some) for key, value in ((f"type_{n}", kind), (f"id_{n}", name))
        }
        heads.update(
            ((row.aggregate_type, row.aggregate_id), (row.seq, row.hash))
            for row in (await session.execute(_heads(len(some)), params)).all()
        )
    # Written in the order recorded (ids follow it): runs of entries without personal fields in one INSERT each,
    # an entry with them on its own, for the id its personal rows refer to.
    plain: list[dict[str, Any]] = []
    for entry in entries:
        key = (entry.aggregate_type, entry.aggregate_id)
        seq, prev_hash = heads.get(key, (0, GENESIS))
        salts = {field: secrets.token_hex(16) for field in entry.personal}
        fields: dict[str, Any] = {
            "aggregate_type": entry.aggregate_type,
            "aggregate_id": entry.aggregate_id,
            "seq": seq + 1,
            "action": entry.action,
            "actor": entry.actor,
            "data": canonical(entry.data),
            "personal_digests": canonical(
                {field: personal_digest(salts[field], value) for field, (_subject, value) in entry.personal.items()}
            ),
            "occurred_at": entry.occurred_at,
            "prev_hash": prev_hash,
        }
        fields["hash"] = entry_hash(fields)
        heads[key] = (seq + 1, fields["hash"])
        if not entry.personal:
            plain.append(fields)
            continue
        if plain:
            await session.execute(_INSERT, plain)
            plain = []
        entry_id = (await session.execute(_INSERT_ONE, fields)).scalar_one()
        await session.execute(
            _INSERT_PERSONAL,
            [
                {"entry_id": entry_id, "subject": subject, "field": field, "value": value, "salt": salts[field]}
                for field, (subject, value) in entry.personal.items()
            ],
        )
    if plain:
        await session.execute(_INSERT, plain)
