"""The institution that entered an enterprise by hand corrects it while it is still 未核验 (unverified).

Only the fields given change; each is checked as on entry. Once a registry has confirmed the enterprise its
details are the registry's and are no longer edited by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.enterprises.enter_enterprise import name_clash
from handlers.enterprises.enterprise_registry import audit_data
from handlers.enterprises.form import ENTERPRISE_EDIT
from handlers.errors import Conflict, Forbidden
from handlers.forms.check import validate
from handlers.forms.declaration import Context
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


_COLUMNS = {  # form field → enterprise column
    "full_name": "name",
    "credit_code": "credit_code",
    "region_code": "region_code",
    "address": "address",
    "legal_representative": "legal_representative",
}


async def update_enterprise(cmd: UpdateEnterprise, uow: UnitOfWork, regions: RegionDirectory) -> EnterpriseUpdated:
    # Only what is sent changes, each field held to the manual-entry form's rules (the edit form is that form).
    sent = {name: getattr(cmd, name) for name in _COLUMNS}
    clean = validate(ENTERPRISE_EDIT, sent, Context(uow.clock.now().date(), regions))
    wanted: dict[str, str] = {column: clean[name] for name, column in _COLUMNS.items() if sent[name] is not None}

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
