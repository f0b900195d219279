"""The expert behind a signed-in account; every other role never sees subscriptions or digests (403)."""

from __future__ import annotations

from sqlalchemy import select

from handlers.errors import Forbidden
from handlers.organisation.people import roles_of
from store.models.organisation import Role
from store.models.organisation_people import Expert
from store.uow import UnitOfWork

NOT_AN_EXPERT = "仅技术专家可以订阅需求"


async def expert_of(uow: UnitOfWork, account_id: int, *, lock: bool = False) -> Expert:
    if Role.EXPERT not in await roles_of(uow, account_id):
        raise Forbidden(NOT_AN_EXPERT)
    query = select(Expert).where(Expert.account_id == account_id)
    expert = await uow.session.scalar(query.with_for_update() if lock else query)
    if expert is None:
        raise Forbidden(NOT_AN_EXPERT)
    return expert
