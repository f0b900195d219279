"""Store an uploaded attachment or a generated export: check it, keep its content, record it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from handlers.files.detect import FileKind
from handlers.files.names import clean_filename
from handlers.files.policy import FilePurpose, check_content, purpose_named
from handlers.files.ports import FileStorage
from store.models.files import StoredFile
from store.uow import UnitOfWork

# Identical content stored at the same moment appends to the same audit chain; the chain's unique
# (type, id, seq) makes the later writer fail instead of forking it, and a retry appends after it.
_ATTEMPTS = 5


@dataclass(frozen=True)
class StoreFile:
    purpose: str
    filename: str
    content: bytes
    uploaded_by: str | None = None


@dataclass(frozen=True)
class StoredFileView:
    id: int
    sha256: str
    size: int
    kind: str
    mime: str
    purpose: str
    original_name: str
    uploaded_by: str | None
    created_at: datetime


async def store_file(cmd: StoreFile, uow: UnitOfWork, storage: FileStorage) -> StoredFileView:
    purpose = purpose_named(cmd.purpose)
    detected = check_content(purpose, cmd.content)
    # Content goes first: if the transaction fails the bytes stay behind under their own hash,
    # unreferenced and harmless; a row never points at content that is not there.
    sha256 = await storage.put(cmd.content)
    name = clean_filename(cmd.filename, detected.kind)
    attempt = 1
    while True:
        try:
            return await _record(cmd, uow, purpose, detected, sha256, name)
        except IntegrityError:
            if attempt >= _ATTEMPTS:
                raise
            attempt += 1


async def _record(
    cmd: StoreFile, uow: UnitOfWork, purpose: FilePurpose, detected: FileKind, sha256: str, name: str
) -> StoredFileView:
    async with uow:
        row = StoredFile(
            sha256=sha256,
            size=len(cmd.content),
            kind=detected.kind,
            mime=detected.mime,
            purpose=purpose.name,
            original_name=name,
            uploaded_by=cmd.uploaded_by,
            created_at=uow.clock.now(),
        )
        uow.session.add(row)
        await uow.session.flush()
        # The content hash is the chain's identity; the name stays out of it (it may be personal).
        uow.record(
            "file",
            sha256,
            "stored",
            actor=cmd.uploaded_by,
            data={"file_id": row.id, "purpose": purpose.name, "kind": detected.kind, "size": row.size},
        )
        await uow.commit()
    return StoredFileView(
        id=row.id,
        sha256=sha256,
        size=row.size,
        kind=row.kind,
        mime=row.mime,
        purpose=row.purpose,
        original_name=row.original_name,
        uploaded_by=row.uploaded_by,
        created_at=row.created_at,
    )
