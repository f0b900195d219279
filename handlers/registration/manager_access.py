"""Who acts on a bound technology manager's record on the institution's behalf: its admins (the platform too)."""

from __future__ import annotations

from handlers.errors import Forbidden
from handlers.organisation.actors import load_actor
from store.models.manager_registration import TechnologyManagerRegistration
from store.models.organisation import Role
from store.transaction import Transaction


async def require_institution_side(tx: Transaction, actor_id: int, institution_id: int | None) -> None:
    actor = await load_actor(tx, actor_id)
    if actor.has(Role.SYSTEM_ADMIN):
        return
    if institution_id is None or institution_id not in actor.institutions(Role.INSTITUTION_ADMIN):
        raise Forbidden("仅所在机构的管理员可以办理", code="not_institution_admin")


async def require_manager_institution(tx: Transaction, actor_id: int, record: TechnologyManagerRegistration) -> None:
    await require_institution_side(tx, actor_id, record.institution_id)
