"""A demand's attachment is uploaded first (type checked by content, size limited), then named by id."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.demands.fields import ATTACHMENT_PURPOSE
from handlers.errors import Forbidden
from handlers.files.ports import FileStorage
from handlers.files.store_file import StoredFileView, StoreFile, store_file
from handlers.organisation.actors import load_actor
from store.models.organisation import Role
from store.uow import UnitOfWork

UPLOADERS = (Role.STAFF, Role.CENTRE_ADMIN, Role.ENTERPRISE_CONTACT)


@dataclass(frozen=True)
class UploadDemandAttachment:
    actor_id: int
    filename: str
    content: bytes


async def upload_demand_attachment(
    cmd: UploadDemandAttachment, uow: UnitOfWork, storage: FileStorage
) -> StoredFileView:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
    if not any(actor.has(role) for role in UPLOADERS):
        raise Forbidden("只有技转人员或企业联系人可以上传需求附件")
    return await store_file(StoreFile(ATTACHMENT_PURPOSE, cmd.filename, cmd.content, actor.label), uow, storage)
