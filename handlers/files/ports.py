"""The storage port for file content. Content is addressed by its SHA-256, so the same bytes are kept once."""

from __future__ import annotations

from typing import BinaryIO, Protocol

from handlers.errors import NotFound


class StoredContentMissing(NotFound):
    code = "file_not_found"
    message = "文件不存在或已被删除"


class StoredContentCorrupt(RuntimeError):
    """The bytes on disk no longer hash to their address: an operator problem, never the user's."""


class FileStorage(Protocol):
    async def put(self, content: bytes) -> str:
        """Store the bytes (idempotent for identical content); returns their lowercase hex SHA-256."""
        ...

    async def read(self, sha256: str) -> bytes:
        """The content stored under this address; raises StoredContentMissing."""
        ...

    def open(self, sha256: str) -> BinaryIO:
        """A binary file object for streaming large content; raises StoredContentMissing."""
        ...

    async def exists(self, sha256: str) -> bool: ...
