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


# The columns of an entry that its hash covers, in hashing order.
ENTRY_FIELDS = (
    "aggregate_type",
    "aggregate_id",
    "seq",
    "action",
    "actor",
    "data",
    "personal_digests",
    "occurred_at",
    "prev_hash",
)


def entry_hash(fields: dict[str, Any]) -> str:
    values = [fields[name] for name in ENTRY_FIELDS]
    values[ENTRY_FIELDS.index("occurred_at")] = instant(fields["occurred_at"])
    return sha256_hex(canonical(values))


def checkpoint_hash(*, seq: int, heads: str, created_at: datetime, prev_hash: str) -> str:
    return sha256_hex(canonical([seq, heads, instant(created_at), prev_hash]))
