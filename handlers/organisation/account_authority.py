"""Who may act on another person's account (starting password, mobile correction).

The system admin on anyone; an institution admin on its own staff and, where asked, on experts it
maintains — never on an admin or an official, whose accounts only the system admin manages.
"""

from __future__ import annotations

from sqlalchemy import select

from handlers.errors import Forbidden
from handlers.organisation.actors import Actor
from store.models.organisation import AccountRole, Role
from store.models.organisation_people import Expert, ExpertLink
from store.uow import UnitOfWork

SYSTEM_ADMIN_ONLY = frozenset({Role.SYSTEM_ADMIN, Role.INSTITUTION_ADMIN, Role.OFFICIAL})


async def require_account_authority(
    uow: UnitOfWork, actor: Actor, account_id: int, *, refusal: str, experts_too: bool = False
) -> None:
    if actor.has(Role.SYSTEM_ADMIN):
        return
    own = actor.institutions(Role.INSTITUTION_ADMIN)
    grants = (await uow.session.execute(
        select(AccountRole.role, AccountRole.institution_id).where(AccountRole.account_id == account_id)
    )).all()
    if any(role in SYSTEM_ADMIN_ONLY for role, _ in grants):
        raise Forbidden(refusal)
    if any(role == Role.STAFF and inst in own for role, inst in grants):
        return
    if experts_too and own:
        maintained = await uow.session.scalar(
            select(ExpertLink.id).join(Expert, Expert.id == ExpertLink.expert_id)
            .where(Expert.account_id == account_id, ExpertLink.institution_id.in_(own)).limit(1)
        )
        if maintained is not None:
            return
    raise Forbidden(refusal)
