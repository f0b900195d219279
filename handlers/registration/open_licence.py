"""The licence scan of a certification, for those who see the certification: the platform's reviewers (system
admins) and the applicant. To anyone else it does not exist."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.files.links import FileContent, FileNotFound
from handlers.files.ports import FileStorage
from handlers.organisation.actors import load_actor
from store.models.files import StoredFile
from store.models.organisation import Role
from store.models.registration import UnitCertification
from store.uow import UnitOfWork


@dataclass(frozen=True)
class OpenLicence:
    actor_id: int
    certification_id: int


async def open_licence(cmd: OpenLicence, uow: UnitOfWork, storage: FileStorage) -> FileContent:
    async with uow:
        cert = await uow.session.scalar(select(UnitCertification).where(UnitCertification.id == cmd.certification_id))
        actor = await load_actor(uow, cmd.actor_id)
        if cert is None or not (actor.has(Role.SYSTEM_ADMIN) or cert.account_id == cmd.actor_id):
            raise FileNotFound()
        stored = await uow.session.get(StoredFile, cert.licence_file_id)
        if stored is None:
            raise FileNotFound()
        name, mime, sha256 = stored.original_name, stored.mime, stored.sha256
    return FileContent(name, mime, await storage.read(sha256))
