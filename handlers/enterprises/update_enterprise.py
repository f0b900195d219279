"""The institution that entered an enterprise by hand corrects it while it is still 未核验 (unverified).

Only the fields given change; each is checked as on entry. Once a registry has confirmed the enterprise its
details are the registry's and are no longer edited by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.enterprises.enter_enterprise import name_clash
from handlers.enterprises.enterprise_registry import audit_data
from handlers.errors import Conflict, Forbidden
from handlers.organisation import credit_code as cc
from handlers.organisation import validation as v
from handlers.organisation.actors import load_actor
from handlers.organisation.scope import Listing, not_found, require_listing, visible
from handlers.reference.ports import RegionDirectory
from handlers.transactions import transact
from store.models.organisation import Role
from store.models.organisation_people import Enterprise, EnterpriseVerification
from store.transaction import Transaction
from store.uow import UnitOfWork


@dataclass(frozen=True)
class UpdateEnterprise:
    actor_id: int
    enterprise_id: int
    full_name: str | None = None
    credit_code: str | None = None
    region_code: str | None = None
    address: str | None = None
    legal_representative: str | None = None


@dataclass(frozen=True)
class EnterpriseUpdated:
    enterprise_id: int
    changed: tuple[str, ...]


async def update_enterprise(cmd: UpdateEnterprise, uow: UnitOfWork, regions: RegionDirectory) -> EnterpriseUpdated:
    wanted: dict[str, str] = {}
    if cmd.full_name is not None:
        wanted["name"] = v.required_text(cmd.full_name, "企业全称", 128, field="full_name")
    if cmd.credit_code is not None:
        wanted["credit_code"] = cc.parse(cmd.credit_code, regions.exists)
    if cmd.region_code is not None:
        wanted["region_code"] = v.region_code(cmd.region_code, regions, field="region_code")
    if cmd.address is not None:
        wanted["address"] = v.required_text(cmd.address, "企业地址", 255, field="address")
    if cmd.legal_representative is not None:
        wanted["legal_representative"] = v.required_text(
            cmd.legal_representative, "法定代表人", 64, field="legal_representative"
        )

    async def run(tx: Transaction) -> EnterpriseUpdated:
        actor = await load_actor(tx, cmd.actor_id)
        require_listing(actor, Listing.ENTERPRISES)
        e = await tx.session.scalar(
            select(Enterprise)
            .where(Enterprise.id == cmd.enterprise_id, visible(actor, Listing.ENTERPRISES))
            .with_for_update()
        )
        if e is None:
            raise not_found(Listing.ENTERPRISES)
        if e.verification == EnterpriseVerification.VERIFIED:
            raise Conflict("该企业的信息已经工商登记核验，不能手工修改", code="enterprise_verified")
        if e.entered_by_institution_id not in actor.institutions(Role.INSTITUTION_ADMIN, Role.STAFF):
            raise Forbidden("只有录入该企业的机构可以修改企业信息")
        if "credit_code" in wanted and wanted["credit_code"] != e.credit_code:
            taken = await tx.session.scalar(
                select(Enterprise.name).where(Enterprise.credit_code == wanted["credit_code"])
            )
            if taken is not None:
                raise name_clash(taken)
        changed = {k: val for k, val in wanted.items() if getattr(e, k) != val}
        if not changed:
            return EnterpriseUpdated(e.id, ())
        for key, val in changed.items():
            setattr(e, key, val)
        e.updated_at = tx.clock.now()
        await tx.session.flush()
        personal = (
            {"legal_representative": (f"enterprise:{e.id}:legal_representative", changed["legal_representative"])}
            if "legal_representative" in changed
            else None
        )
        tx.record("enterprise", e.id, "corrected", actor=actor.label, data=audit_data(changed), personal=personal)
        return EnterpriseUpdated(e.id, tuple(sorted(changed)))

    return await transact(uow, run, clash="该统一社会信用代码已被其他企业使用")
