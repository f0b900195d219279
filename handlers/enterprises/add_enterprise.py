"""An institution adds an enterprise by its full registered name; the business registry fills in the rest
(seed 004 §七). The enterprise is one row per credit code, kept in each institution's list by a link.

Without a registry configured this answers 503 registry_unavailable saying to enter the enterprise by hand
(enter_enterprise). A registry lookup confirms the details (已核验), also of an enterprise entered by hand before.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.enterprises.enterprise_registry import (
    audit_data,
    confirm,
    record_region,
    record_verified,
    registry_details,
    require_registry,
)
from handlers.enterprises.form import ENTERPRISE
from handlers.enterprises.ports import MANUAL_ENTRY_HINT, BusinessRegistry
from handlers.errors import Conflict, NotFound
from handlers.forms.check import validate_field
from handlers.forms.declaration import Context
from handlers.organisation import validation as v
from handlers.organisation.actors import load_actor, require_institution_member
from handlers.reference.ports import RegionDirectory
from handlers.transactions import transact
from store.models.organisation_people import Enterprise, EnterpriseLink, EnterpriseVerification
from store.transaction import Transaction
from store.uow import UnitOfWork

UNKNOWN_ENTERPRISE = f"未查询到该企业的工商信息，请核对企业全称，或{MANUAL_ENTRY_HINT}"


@dataclass(frozen=True)
class AddEnterprise:
    actor_id: int
    institution_id: int
    full_name: str


@dataclass(frozen=True)
class EnterpriseAdded:
    enterprise_id: int
    link_id: int
    credit_code: str
    new_enterprise: bool
    verification: EnterpriseVerification = EnterpriseVerification.VERIFIED


async def add_enterprise(
    cmd: AddEnterprise, uow: UnitOfWork, registry: BusinessRegistry | None, regions: RegionDirectory
) -> EnterpriseAdded:
    full_name = validate_field(ENTERPRISE, "full_name", cmd.full_name, Context(uow.clock.now().date(), regions))
    found_registry = require_registry(registry)
    # Refuse an outsider before spending a registry query on them; the write transaction checks again.
    async with uow:
        require_institution_member(await load_actor(uow, cmd.actor_id), cmd.institution_id)
    # Asked outside any transaction: no row lock waits on a remote service.
    record = await found_registry.lookup(full_name)
    if record is None:
        raise NotFound(UNKNOWN_ENTERPRISE, code="enterprise_not_registered")
    code = v.credit_code(record.credit_code)
    details = registry_details(record, record_region(record, regions))

    async def run(tx: Transaction) -> EnterpriseAdded:
        actor = await load_actor(tx, cmd.actor_id)
        require_institution_member(actor, cmd.institution_id)
        enterprise = await tx.session.scalar(select(Enterprise).where(Enterprise.credit_code == code).with_for_update())
        now = tx.clock.now()
        new = enterprise is None
        if enterprise is None:
            enterprise = Enterprise(credit_code=code, created_at=now, **details)
            confirm(enterprise, details, found_registry.provider, now)
            tx.session.add(enterprise)
            await tx.session.flush()
        else:
            linked = await tx.session.scalar(
                select(EnterpriseLink.id).where(
                    EnterpriseLink.enterprise_id == enterprise.id,
                    EnterpriseLink.institution_id == cmd.institution_id,
                )
            )
            if linked is not None and enterprise.verification == EnterpriseVerification.VERIFIED:
                raise Conflict("该企业已在本机构的企业库中", code="enterprise_exists")
            # The registry is the authority: a later lookup refreshes the details (and confirms a hand entry).
            confirm(enterprise, details, found_registry.provider, now)
            if linked is not None:
                await tx.session.flush()
                record_verified(tx, enterprise.id, code, found_registry.provider, details, actor.label)
                return EnterpriseAdded(enterprise.id, linked, code, False)
        link = EnterpriseLink(
            enterprise_id=enterprise.id,
            institution_id=cmd.institution_id,
            added_by=actor.account_id,
            created_at=now,
        )
        tx.session.add(link)
        await tx.session.flush()
        # The registry record is public, but the legal representative is still a person's name.
        tx.record(
            "enterprise",
            enterprise.id,
            "created" if new else "linked",
            actor=actor.label,
            data={
                "credit_code": code,
                "institution_id": cmd.institution_id,
                "link_id": link.id,
                "provider": found_registry.provider,
                **audit_data(details),
            },
            personal={
                "legal_representative": (
                    f"enterprise:{enterprise.id}:legal_representative",
                    str(details["legal_representative"]),
                )
            },
        )
        return EnterpriseAdded(enterprise.id, link.id, code, new)

    return await transact(uow, run, clash="该企业已在本机构的企业库中")
