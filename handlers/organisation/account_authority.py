"""Who may act on another person's account (starting password, mobile correction).

The system admin on anyone. An institution admin only on a person who is wholly theirs: every
institution-scoped grant the person holds is in the admin's institutions, they hold no grant only the system
admin manages (admin, official, enterprise contact), and they are the admin's staff — or, where asked, an
expert the admin's institution maintains (the expert profile is the person's, not an institution's).
Anyone else is refused the same way whether or not the account exists.
"""

from __future__ import annotations

from sqlalchemy import select

from handlers.errors import Forbidden
from handlers.organisation.actors import Actor
from store.models.organisation import AccountRole, Role
from store.models.organisation_people import Expert, ExpertLink
from store.transaction import Transaction

SYSTEM_ADMIN_ONLY = frozenset({Role.SYSTEM_ADMIN, Role.INSTITUTION_ADMIN, Role.OFFICIAL, Role.ENTERPRISE_CONTACT})


async def require_account_authority(
    uow: Transaction, actor: Actor, account_id: int, *, refusal: str, experts_too: bool = False
) -> None:
    if actor.has(Role.SYSTEM_ADMIN):
        return
    own = actor.institutions(Role.INSTITUTION_ADMIN)
    grants = (
        await uow.session.execute(
            select(AccountRole.role, AccountRole.institution_id).where(AccountRole.account_id == account_id)
        )
    ).all()
    if not own or not grants or any(role in SYSTEM_ADMIN_ONLY for role, _ in grants):
        raise Forbidden(refusal)
    if any(inst is not None and inst not in own for _, inst in grants):
        raise Forbidden(refusal)  # also someone else's: their admin (or the system admin) decides
    if any(role == Role.STAFF for role, _ in grants):
        return
    if experts_too:
        maintained = await uow.session.scalar(
            select(ExpertLink.id)
            .join(Expert, Expert.id == ExpertLink.expert_id)
            .where(Expert.account_id == account_id, ExpertLink.institution_id.in_(own))
            .limit(1)
        )
        if maintained is not None:
            return
    raise Forbidden(refusal)
