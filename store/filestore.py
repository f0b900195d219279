"""Content-addressed local file storage: <root>/ab/cd/<sha256>, written atomically.

A file only ever appears under its final name complete (temp file + fsync + os.replace), so a crash
leaves at most a stray temp file, never a partial document. Identical content maps to one path.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO

from handlers.files.ports import StoredContentCorrupt, StoredContentMissing

_ADDRESS = re.compile(r"[0-9a-f]{64}")


class LocalFileStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        # The address may come from a request: only a well-formed digest can name a path.
        if not _ADDRESS.fullmatch(sha256):
            raise StoredContentMissing()
        return self.root / sha256[:2] / sha256[2:4] / sha256

    async def put(self, content: bytes) -> str:
        return await asyncio.to_thread(self._put, content)

    async def read(self, sha256: str) -> bytes:
        return await asyncio.to_thread(self._read, sha256)

    def open(self, sha256: str) -> BinaryIO:
        try:
            return self.path_for(sha256).open("rb")
        except FileNotFoundError as exc:
            raise StoredContentMissing() from exc

    async def exists(self, sha256: str) -> bool:
        try:
            path = self.path_for(sha256)
        except StoredContentMissing:
            return False
        return await asyncio.to_thread(path.is_file)

    def _put(self, content: bytes) -> str:
        sha256 = hashlib.sha256(content).hexdigest()
        path = self.path_for(sha256)
        if path.is_file() and _sha256_of(path) == sha256:
            return sha256  # already kept; a damaged copy is replaced below
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as tmp:
                tmp.write(content)
                tmp.flush()
                os.fsync(tmp.fileno())
            os.replace(tmp_name, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
            raise
        _fsync_dir(path.parent)
        return sha256

    def _read(self, sha256: str) -> bytes:
        try:
            content = self.path_for(sha256).read_bytes()
        except FileNotFoundError as exc:
            raise StoredContentMissing() from exc
        # Exports are hashed into the audit chain; a silently altered file must not be served as genuine.
        if hashlib.sha256(content).hexdigest() != sha256:
            raise StoredContentCorrupt(f"stored content {sha256} does not match its address")
        return content


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable; not every platform can open a directory."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
