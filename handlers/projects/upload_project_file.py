"""A project's contract or fee-payment proof is uploaded first (type checked by content, size limited), then
named by id on the registration or the proof."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import Forbidden
from handlers.files.ports import FileStorage
from handlers.files.store_file import StoredFileView, StoreFile, store_file
from handlers.organisation.actors import load_actor
from handlers.projects.access import PROJECT_FILE_PURPOSE
from store.models.organisation import Role
from store.uow import UnitOfWork

UPLOADERS = (Role.STAFF, Role.CENTRE_ADMIN, Role.INSTITUTION_ADMIN)


@dataclass(frozen=True)
class UploadProjectFile:
    actor_id: int
    filename: str
    content: bytes


async def upload_project_file(cmd: UploadProjectFile, uow: UnitOfWork, storage: FileStorage) -> StoredFileView:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
    if not any(actor.has(role) for role in UPLOADERS):
        raise Forbidden("只有技转人员或机构管理员可以上传项目合同和兑付凭证")
    return await store_file(StoreFile(PROJECT_FILE_PURPOSE, cmd.filename, cmd.content, actor.label), uow, storage)
