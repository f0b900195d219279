"""Anchored checkpoints, kept outside the database so a rewritten or truncated checkpoint table shows.

An anchor carries the whole checkpoint (its heads, with the hash of every entry it covers), not only its hash:
when someone rewrites the entries and recomputes the checkpoints inside the database, the anchored copy still
says what each entry hashed to, so verification can name the earliest entry whose content changed."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from store.audit.hashing import checkpoint_hash, instant


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    # None in an anchor written before anchors kept the whole checkpoint: only its hash can be compared.
    prev_hash: str | None = None
    created_at: datetime | None = None
    heads: str | None = None

    def record(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "hash": self.hash,
            "prev_hash": self.prev_hash,
            "created_at": instant(self.created_at) if self.created_at else None,
            "heads": self.heads,
        }

    @classmethod
    def from_record(cls, raw: dict[str, Any]) -> Anchor:
        created = raw.get("created_at")
        return cls(
            seq=int(raw["seq"]),
            hash=str(raw["hash"]),
            prev_hash=raw.get("prev_hash"),
            created_at=datetime.fromisoformat(created) if created else None,
            heads=raw.get("heads"),
        )

    @property
    def complete(self) -> bool:
        return self.prev_hash is not None and self.created_at is not None and self.heads is not None

    def consistent(self) -> bool:
        """Whether the anchored content hashes to the anchored hash (an anchor of the hash alone always is)."""
        if self.prev_hash is None or self.created_at is None or self.heads is None:
            return True
        return (
            checkpoint_hash(seq=self.seq, heads=self.heads, created_at=self.created_at, prev_hash=self.prev_hash)
            == self.hash
        )


class FileAnchorStore:
    """Every anchored checkpoint, one JSON line each, appended and never rewritten.

    Keeping the history (not only the latest) is what finds a checkpoint chain rewritten and continued past the
    anchored checkpoint. A file written by the earlier single-anchor format reads as its one line."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def name(self) -> str:
        return f"file {self.path}"

    async def stage(self, uow: object, anchor: Anchor) -> None:
        """Nothing to do inside the checkpoint's transaction: the file is written after the commit."""

    async def write(self, anchor: Anchor) -> None:
        self.append(anchor)

    async def read(self) -> list[Anchor] | None:
        return self.load()

    def load(self) -> list[Anchor]:
        try:
            lines = self.path.read_text("utf-8").splitlines()
        except FileNotFoundError:
            return []
        anchors = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                anchors.append(Anchor.from_record(json.loads(line)))
            except (ValueError, KeyError, TypeError):
                if number == len(lines):
                    break  # a line cut short by a crash while appending: the anchors before it stand
                raise
        return anchors

    def append(self, anchor: Anchor) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(anchor.record(), ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
        with self.path.open("a+b") as file:
            file.seek(0, os.SEEK_END)
            if file.tell():
                file.seek(-1, os.SEEK_END)
                if file.read(1) != b"\n":
                    line = "\n" + line  # the earlier format ended without a newline
            file.write(line.encode("utf-8"))
            file.flush()
            os.fsync(file.fileno())
