"""An individual manager's ID-card or title-certificate scan is uploaded first, then named by id on the form."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.errors import Forbidden
from handlers.files.ports import FileStorage
from handlers.files.store_file import StoredFileView, StoreFile, store_file
from handlers.registration.manager_form import SCAN_PURPOSE
from store.models.organisation import CLOSED_STATUSES, Account
from store.uow import UnitOfWork


@dataclass(frozen=True)
class UploadManagerScan:
    actor_id: int
    filename: str
    content: bytes


async def upload_manager_scan(cmd: UploadManagerScan, uow: UnitOfWork, storage: FileStorage) -> StoredFileView:
    async with uow:
        status = await uow.session.scalar(select(Account.status).where(Account.id == cmd.actor_id))
    if status is None or status in CLOSED_STATUSES:
        raise Forbidden("账号已停用，不能上传")
    return await store_file(StoreFile(SCAN_PURPOSE, cmd.filename, cmd.content, f"account:{cmd.actor_id}"), uow, storage)
