"""The latest checkpoint head, kept outside the database so a truncated checkpoint table shows."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str


class AnchorStore(Protocol):
    def read(self) -> Anchor | None: ...

    def write(self, anchor: Anchor) -> None: ...


class FileAnchorStore:
    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> Anchor | None:
        try:
            raw = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return None
        return Anchor(seq=int(raw["seq"]), hash=str(raw["hash"]))

    def write(self, anchor: Anchor) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"seq": anchor.seq, "hash": anchor.hash}), "utf-8")
        os.replace(tmp, self.path)
