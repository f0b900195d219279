"""The licence scan is uploaded first (type checked by content, size limited), then named by id on the form."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.errors import Forbidden
from handlers.files.ports import FileStorage
from handlers.files.store_file import StoredFileView, StoreFile, store_file
from handlers.organisation.actors import load_actor
from handlers.registration.form import LICENCE_PURPOSE
from store.models.organisation import CLOSED_STATUSES, Account
from store.uow import UnitOfWork


@dataclass(frozen=True)
class UploadLicence:
    actor_id: int
    filename: str
    content: bytes


async def upload_licence(cmd: UploadLicence, uow: UnitOfWork, storage: FileStorage) -> StoredFileView:
    async with uow:
        status = await uow.session.scalar(select(Account.status).where(Account.id == cmd.actor_id))
        actor = await load_actor(uow, cmd.actor_id)
    # Any account may certify its unit; a closed one acts as nobody.
    if status is None or status in CLOSED_STATUSES:
        raise Forbidden("账号已停用，不能上传")
    return await store_file(StoreFile(LICENCE_PURPOSE, cmd.filename, cmd.content, actor.label), uow, storage)
