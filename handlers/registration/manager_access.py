"""Who sees a technology manager's record and who acts on it for the institution. A record the caller cannot
see reads as missing (404), for writes too; one they see but may not act on is refused (403)."""

from __future__ import annotations

from sqlalchemy import select

from handlers.errors import Forbidden, NotFound
from handlers.organisation.actors import Actor, load_actor
from store.models.manager_registration import TechnologyManagerRegistration
from store.models.organisation import Institution, Role
from store.transaction import Transaction

MISSING = "未找到该技术经理人"


def _covers(official_region: str, region: str) -> bool:
    """An official of 330100 (a city) covers 330106; one of 330106 only that district."""
    prefix = official_region
    while prefix.endswith("00") and len(prefix) > 2:
        prefix = prefix[:-2]
    return region.startswith(prefix)


async def sees(tx: Transaction, actor: Actor, record: TechnologyManagerRegistration, individual_region: str) -> bool:
    """The manager, the platform, the bound institution's admins, and the officials whose region holds it (an
    unbound manager's: `individual_region`, the setting)."""
    if record.account_id == actor.account_id or actor.has(Role.SYSTEM_ADMIN):
        return True
    if record.institution_id is not None and record.institution_id in actor.institutions(Role.INSTITUTION_ADMIN):
        return True
    regions = [g.region_code for g in actor.grants if g.role == Role.OFFICIAL and g.region_code]
    if not regions:
        return False
    region = individual_region
    if record.institution_id is not None:
        found = await tx.session.scalar(select(Institution.region_code).where(Institution.id == record.institution_id))
        region = found or region
    return any(_covers(mine, region) for mine in regions)


async def require_seen(
    tx: Transaction, actor_id: int, record: TechnologyManagerRegistration, individual_region: str
) -> Actor:
    actor = await load_actor(tx, actor_id)
    if not await sees(tx, actor, record, individual_region):
        raise NotFound(MISSING, code="manager_not_found")
    return actor


async def require_institution_side(tx: Transaction, actor_id: int, institution_id: int | None) -> None:
    """The institution's lists: its admins only."""
    actor = await load_actor(tx, actor_id)
    if institution_id is None or institution_id not in actor.institutions(Role.INSTITUTION_ADMIN):
        raise Forbidden("仅所在机构的管理员可以办理")


async def require_manager_institution(
    tx: Transaction, actor_id: int, record: TechnologyManagerRegistration, individual_region: str
) -> None:
    """Acting for the bound institution (review corrections, 驳回更新, deletion): its admins only."""
    actor = await require_seen(tx, actor_id, record, individual_region)
    if record.institution_id is None or record.institution_id not in actor.institutions(Role.INSTITUTION_ADMIN):
        raise Forbidden("仅所在机构的管理员可以办理")
