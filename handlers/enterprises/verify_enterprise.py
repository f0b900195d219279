"""A member of an institution keeping an enterprise asks the business registry to confirm it (未核验 → 已核验).

The registry is asked by the enterprise's full name, outside any transaction. Its record fills the details and
locks them; a record under another credit code is refused so a person checks which one is right.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.enterprises.add_enterprise import UNKNOWN_ENTERPRISE
from handlers.enterprises.enterprise_registry import (
    confirm,
    record_region,
    record_verified,
    registry_details,
    require_registry,
)
from handlers.enterprises.ports import BusinessRegistry
from handlers.errors import Conflict, Forbidden, NotFound
from handlers.organisation.actors import load_actor
from handlers.organisation.scope import Listing, not_found, require_listing, visible
from handlers.reference.ports import RegionDirectory
from store.models.organisation import Role
from store.models.organisation_people import Enterprise, EnterpriseLink, EnterpriseVerification
from store.uow import UnitOfWork


@dataclass(frozen=True)
class VerifyEnterprise:
    actor_id: int
    enterprise_id: int


@dataclass(frozen=True)
class EnterpriseVerified:
    enterprise_id: int
    verification: EnterpriseVerification
    verified_by: str


async def verify_enterprise(
    cmd: VerifyEnterprise, uow: UnitOfWork, registry: BusinessRegistry | None, regions: RegionDirectory
) -> EnterpriseVerified:
    found_registry = require_registry(registry)
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        require_listing(actor, Listing.ENTERPRISES)
        e = await uow.session.scalar(
            select(Enterprise).where(Enterprise.id == cmd.enterprise_id, visible(actor, Listing.ENTERPRISES))
        )
        if e is None:
            raise not_found(Listing.ENTERPRISES)
        keepers = set(
            await uow.session.scalars(select(EnterpriseLink.institution_id).where(EnterpriseLink.enterprise_id == e.id))
        )
        if not keepers & actor.institutions(Role.INSTITUTION_ADMIN, Role.STAFF):
            raise Forbidden("只有企业库中有该企业的机构可以申请核验")
        if e.verification == EnterpriseVerification.VERIFIED:
            return EnterpriseVerified(e.id, EnterpriseVerification.VERIFIED, e.verified_by or "")
        name, code = e.name, e.credit_code
    record = await found_registry.lookup(name)
    if record is None:
        raise NotFound(UNKNOWN_ENTERPRISE, code="enterprise_not_registered")
    if record.credit_code.strip().upper() != code:
        raise Conflict(
            f"工商登记中该企业的统一社会信用代码为{record.credit_code}，与录入的不一致，请核对后修改",
            code="credit_code_mismatch",
            field="credit_code",
        )
    details = registry_details(record, record_region(record, regions))
    async with uow:
        e = await uow.session.scalar(select(Enterprise).where(Enterprise.id == cmd.enterprise_id).with_for_update())
        if e is None or e.credit_code != code:
            raise Conflict("企业信息刚被修改，请刷新后重试", code="enterprise_changed")
        if e.verification == EnterpriseVerification.VERIFIED:
            return EnterpriseVerified(e.id, EnterpriseVerification.VERIFIED, e.verified_by or "")
        confirm(e, details, found_registry.provider, uow.clock.now())
        await uow.session.flush()
        record_verified(uow, e.id, code, found_registry.provider, details, actor.label)
        await uow.commit()
        return EnterpriseVerified(e.id, EnterpriseVerification.VERIFIED, found_registry.provider)
