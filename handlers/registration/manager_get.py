"""The caller's own technology-manager record, or one record for its reviewers and its institution's admins."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.registration.manager_access import require_seen
from handlers.registration.manager_record import ManagerView, record_by_id, record_of, view_of
from handlers.registration.policy import RegistrationPolicy
from store.models.manager_registration import ManagerStatus
from store.uow import UnitOfWork


@dataclass(frozen=True)
class GetOwnManager:
    actor_id: int


@dataclass(frozen=True)
class GetManager:
    actor_id: int
    record_id: int


async def get_own_manager(cmd: GetOwnManager, uow: UnitOfWork) -> ManagerView | None:
    async with uow:
        record = await record_of(uow, cmd.actor_id)
        if record is None or record.status == ManagerStatus.DELETED:
            return None
        return await view_of(uow, record)


async def get_manager(cmd: GetManager, uow: UnitOfWork, policy: RegistrationPolicy) -> ManagerView:
    async with uow:
        record = await record_by_id(uow, cmd.record_id)
        await require_seen(uow, cmd.actor_id, record, policy.individual_region)
        return await view_of(uow, record)
