"""A file of a demand downloaded by whoever may see it where it is listed: the demand's attachments by anyone who
sees the demand (its pool readers included), a follow-up's attachments by the follow-up readers, the project's
contract and fee-payment proof by those who see the project. Anything else — another institution's demand, a role
that never sees demands, a file of another record — reads as missing (404), never as forbidden."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from handlers.demands.pool import pool_visible
from handlers.demands.scope import can_see_demands, visible_demands
from handlers.files.links import FileContent, FileNotFound
from handlers.files.ports import FileStorage
from handlers.follow_ups.list_follow_ups import READERS
from handlers.organisation.actors import Actor, load_actor
from handlers.projects.views import SEES as PROJECT_READERS
from store.models.demands import Demand
from store.models.files import StoredFile
from store.models.follow_ups import DemandFollowUp
from store.models.organisation import Role
from store.models.projects import ProjectRegistration
from store.uow import UnitOfWork


@dataclass(frozen=True)
class OpenDemandFile:
    actor_id: int
    demand_id: int
    file_id: int


@dataclass(frozen=True)
class DemandFile:
    name: str
    mime: str
    sha256: str


async def open_demand_file(cmd: OpenDemandFile, uow: UnitOfWork, storage: FileStorage) -> FileContent:
    found = await find_demand_file(cmd, uow)
    return FileContent(found.name, found.mime, await storage.read(found.sha256))


async def find_demand_file(cmd: OpenDemandFile, uow: UnitOfWork) -> DemandFile:
    """The file, if the actor may open it; FileNotFound otherwise."""
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        if not can_see_demands(actor):
            raise FileNotFound()
        seen = (await visible_demands(uow, actor)) | await pool_visible(uow, actor)
        demand = await uow.session.scalar(select(Demand).where(Demand.id == cmd.demand_id, seen))
        if demand is None or not await _belongs(uow, actor, demand, cmd.file_id):
            raise FileNotFound()
        stored = await uow.session.get(StoredFile, cmd.file_id)
        if stored is None:
            raise FileNotFound()
        return DemandFile(stored.original_name, stored.mime, stored.sha256)


async def _belongs(uow: UnitOfWork, actor: Actor, demand: Demand, file_id: int) -> bool:
    if file_id in (int(i) for i in demand.attachment_ids):
        return True
    # Follow-ups and the project are the organisation's working record: read in the organisation's scope only.
    in_scope = await uow.session.scalar(
        select(Demand.id).where(Demand.id == demand.id, await visible_demands(uow, actor))
    )
    if in_scope is None:
        return False
    if _reads(actor, READERS):
        notes = await uow.session.scalars(
            select(DemandFollowUp.attachment_ids).where(DemandFollowUp.demand_id == demand.id)
        )
        if any(file_id in (int(i) for i in ids) for ids in notes):
            return True
    if _reads(actor, PROJECT_READERS):
        project = await uow.session.scalar(
            select(ProjectRegistration.id).where(
                ProjectRegistration.demand_id == demand.id,
                or_(ProjectRegistration.contract_file_id == file_id, ProjectRegistration.fee_proof_file_id == file_id),
            )
        )
        return project is not None
    return False


def _reads(actor: Actor, roles: frozenset[Role]) -> bool:
    return actor.has(Role.SYSTEM_ADMIN) or any(g.role in roles for g in actor.grants)
