"""The error file of one import, for the admin of the institution that uploaded it.

Another institution's import — or one without failures — is not_found: its existence is not revealed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.errors import NotFound
from handlers.files.ports import FileStorage
from handlers.organisation.actors import load_actor, require_institution_admin
from store.models.expert_imports import ExpertImport
from store.uow import UnitOfWork


@dataclass(frozen=True)
class GetImportErrorFile:
    actor_id: int
    institution_id: int
    import_id: int


@dataclass(frozen=True)
class ErrorFile:
    filename: str
    content: bytes


async def get_import_error_file(cmd: GetImportErrorFile, uow: UnitOfWork, storage: FileStorage) -> ErrorFile:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        require_institution_admin(actor, cmd.institution_id)
        row = await uow.session.scalar(
            select(ExpertImport).where(
                ExpertImport.id == cmd.import_id, ExpertImport.institution_id == cmd.institution_id
            )
        )
        if row is None or row.error_file_sha256 is None or row.error_file_name is None:
            raise NotFound("未找到该导入的错误行文件", code="error_file_not_found")
        sha256, filename = row.error_file_sha256, row.error_file_name
    return ErrorFile(filename, await storage.read(sha256))
