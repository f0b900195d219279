"""Canonical hashing for audit entries and checkpoints: the same bytes on every backend."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def personal_digest(salt: str, value: str) -> str:
    # Salted so a digest of an 11-digit phone number cannot be reversed by trying them all.
    return sha256_hex(f"{salt}:{value}")


def entry_hash(
    *,
    aggregate_type: str,
    aggregate_id: str,
    seq: int,
    action: str,
    actor: str | None,
    data: str,
    personal_digests: str,
    occurred_at: datetime,
    prev_hash: str,
) -> str:
    return sha256_hex(
        canonical(
            [aggregate_type, aggregate_id, seq, action, actor, data, personal_digests,
             instant(occurred_at), prev_hash]
        )
    )


def checkpoint_hash(*, seq: int, heads: str, created_at: datetime, prev_hash: str) -> str:
    return sha256_hex(canonical([seq, heads, instant(created_at), prev_hash]))
