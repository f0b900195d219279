"""The error file of one technology-manager import, for the admins of the institution that uploaded it; another
institution's import, or one without failures, is not_found (its existence is not revealed)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.errors import NotFound
from handlers.files.ports import FileStorage
from handlers.organisation.actors import load_actor, require_institution_admin
from store.models.manager_registration import ManagerImport
from store.uow import UnitOfWork


@dataclass(frozen=True)
class GetManagerImportErrorFile:
    actor_id: int
    institution_id: int
    import_id: int


@dataclass(frozen=True)
class ManagerErrorFile:
    filename: str
    content: bytes


async def get_manager_import_error_file(
    cmd: GetManagerImportErrorFile, uow: UnitOfWork, storage: FileStorage
) -> ManagerErrorFile:
    async with uow:
        require_institution_admin(await load_actor(uow, cmd.actor_id), cmd.institution_id)
        row = await uow.session.scalar(
            select(ManagerImport).where(
                ManagerImport.id == cmd.import_id, ManagerImport.institution_id == cmd.institution_id
            )
        )
        if row is None or row.error_file_sha256 is None or row.error_file_name is None:
            raise NotFound("未找到该导入的错误行文件", code="error_file_not_found")
        sha256, filename = row.error_file_sha256, row.error_file_name
    return ManagerErrorFile(filename, await storage.read(sha256))
