"""An institution enters an enterprise by hand when no registry is configured or the registry does not know it:
full name, credit code (GB 32100, issuing region included), region, address and legal representative.

The enterprise is 未核验 (unverified) until a registry confirms it; until then the institution that entered it
may correct it (update_enterprise). Entering a credit code another institution already entered (or a registry
confirmed) under the same name adds the enterprise to this institution's list without touching its details.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.enterprises.add_enterprise import EnterpriseAdded
from handlers.enterprises.enterprise_registry import audit_data
from handlers.enterprises.form import ENTERPRISE_ENTRY
from handlers.errors import Conflict
from handlers.forms.check import validate
from handlers.forms.declaration import Context
from handlers.organisation.actors import load_actor, require_institution_member
from handlers.reference.ports import RegionDirectory
from handlers.transactions import transact
from store.models.organisation_people import Enterprise, EnterpriseLink, EnterpriseVerification
from store.transaction import Transaction
from store.uow import UnitOfWork


@dataclass(frozen=True)
class EnterEnterprise:
    actor_id: int
    institution_id: int
    full_name: str
    credit_code: str
    region_code: str
    address: str
    legal_representative: str


@dataclass(frozen=True)
class EnterpriseFields:
    """The hand-entered details, each checked with the field it came from."""

    name: str
    credit_code: str
    region_code: str
    address: str
    legal_representative: str


def check_fields(
    context: Context,
    full_name: str,
    credit_code: str,
    region_code: str,
    address: str,
    legal_representative: str,
) -> EnterpriseFields:
    values = {
        "full_name": full_name,
        "credit_code": credit_code,
        "region_code": region_code,
        "address": address,
        "legal_representative": legal_representative,
    }
    clean = validate(ENTERPRISE_ENTRY, values, context)
    return EnterpriseFields(
        name=clean["full_name"],
        credit_code=clean["credit_code"],
        region_code=clean["region_code"],
        address=clean["address"],
        legal_representative=clean["legal_representative"],
    )


def name_clash(existing: str) -> Conflict:
    return Conflict(f"该统一社会信用代码已登记为“{existing}”，请核对", code="credit_code_taken", field="credit_code")


async def enter_enterprise(cmd: EnterEnterprise, uow: UnitOfWork, regions: RegionDirectory) -> EnterpriseAdded:
    fields = check_fields(
        Context(uow.clock.now().date(), regions),
        cmd.full_name,
        cmd.credit_code,
        cmd.region_code,
        cmd.address,
        cmd.legal_representative,
    )

    async def run(tx: Transaction) -> EnterpriseAdded:
        actor = await load_actor(tx, cmd.actor_id)
        require_institution_member(actor, cmd.institution_id)
        enterprise = await tx.session.scalar(
            select(Enterprise).where(Enterprise.credit_code == fields.credit_code).with_for_update()
        )
        now = tx.clock.now()
        new = enterprise is None
        if enterprise is None:
            enterprise = Enterprise(
                credit_code=fields.credit_code,
                name=fields.name,
                region_code=fields.region_code,
                legal_representative=fields.legal_representative,
                address=fields.address,
                registered_capital_fen=None,
                established_on=None,
                verification=EnterpriseVerification.UNVERIFIED,
                verified_by=None,
                verified_at=None,
                entered_by_institution_id=cmd.institution_id,
                created_at=now,
                updated_at=now,
            )
            tx.session.add(enterprise)
            await tx.session.flush()
        else:
            linked = await tx.session.scalar(
                select(EnterpriseLink.id).where(
                    EnterpriseLink.enterprise_id == enterprise.id,
                    EnterpriseLink.institution_id == cmd.institution_id,
                )
            )
            if linked is not None:
                raise Conflict("该企业已在本机构的企业库中", code="enterprise_exists")
            if enterprise.name != fields.name:
                raise name_clash(enterprise.name)
        link = EnterpriseLink(
            enterprise_id=enterprise.id,
            institution_id=cmd.institution_id,
            added_by=actor.account_id,
            created_at=now,
        )
        tx.session.add(link)
        await tx.session.flush()
        details = {
            "name": fields.name,
            "region_code": fields.region_code,
            "address": fields.address,
            "legal_representative": fields.legal_representative,
        }
        tx.record(
            "enterprise",
            enterprise.id,
            "entered" if new else "linked",
            actor=actor.label,
            data={
                "credit_code": fields.credit_code,
                "institution_id": cmd.institution_id,
                "link_id": link.id,
                "verification": str(enterprise.verification),
                **(audit_data(details) if new else {}),
            },
            personal={
                "legal_representative": (
                    f"enterprise:{enterprise.id}:legal_representative",
                    fields.legal_representative,
                )
            }
            if new
            else None,
        )
        return EnterpriseAdded(
            enterprise.id, link.id, fields.credit_code, new, EnterpriseVerification(enterprise.verification)
        )

    return await transact(uow, run, clash="该企业已在本机构的企业库中")
