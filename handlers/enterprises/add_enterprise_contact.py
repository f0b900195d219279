"""A member of an institution that keeps the enterprise adds one of its contacts (seed 004 §七)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.enterprises.form import ENTERPRISE_CONTACT
from handlers.errors import Conflict, Forbidden, NotFound
from handlers.forms.check import validate
from handlers.forms.declaration import Context
from handlers.organisation import validation as v
from handlers.organisation.actors import load_actor
from handlers.organisation.people import find_or_create_account, grant_role
from handlers.organisation.scope import Listing, require_visible
from handlers.transactions import transact
from store.models.organisation import AccountRole, Role
from store.models.organisation_people import Enterprise, EnterpriseContact, EnterpriseLink
from store.transaction import Transaction
from store.uow import UnitOfWork


@dataclass(frozen=True)
class AddEnterpriseContact:
    actor_id: int
    enterprise_id: int
    name: str
    position: str
    phone: str


@dataclass(frozen=True)
class EnterpriseContactAdded:
    contact_id: int


async def add_enterprise_contact(cmd: AddEnterpriseContact, uow: UnitOfWork) -> EnterpriseContactAdded:
    values = {"name": cmd.name, "position": cmd.position, "phone": cmd.phone}
    clean = validate(ENTERPRISE_CONTACT, values, Context(uow.clock.now().date()))
    name, position, phone = clean["name"], clean["position"], clean["phone"]

    async def run(tx: Transaction) -> EnterpriseContactAdded:
        actor = await load_actor(tx, cmd.actor_id)
        enterprise = await tx.session.scalar(
            select(Enterprise).where(Enterprise.id == cmd.enterprise_id).with_for_update()
        )
        if enterprise is None:
            raise NotFound("未找到该企业")
        await require_visible(tx, actor, Listing.ENTERPRISES, enterprise.id)
        keepers = set(
            await tx.session.scalars(
                select(EnterpriseLink.institution_id).where(EnterpriseLink.enterprise_id == enterprise.id)
            )
        )
        if not keepers & actor.institutions(Role.INSTITUTION_ADMIN, Role.STAFF):
            raise Forbidden("只有维护该企业的机构人员可以添加联系人")
        taken = await tx.session.scalar(
            select(EnterpriseContact.id).where(
                EnterpriseContact.enterprise_id == enterprise.id, EnterpriseContact.phone == phone
            )
        )
        if taken is not None:
            raise Conflict("该联系电话的联系人已存在", code="contact_exists")
        contact = EnterpriseContact(
            enterprise_id=enterprise.id,
            name=name,
            position=position,
            phone=phone,
            account_id=await _contact_account(tx, name, phone, enterprise.id, actor.label),
            added_by=actor.account_id,
            created_at=tx.clock.now(),
        )
        tx.session.add(contact)
        await tx.session.flush()
        subject = f"enterprise_contact:{contact.id}"
        tx.record(
            "enterprise",
            enterprise.id,
            "contact_added",
            actor=actor.label,
            data={"contact_id": contact.id, "position": position},
            personal={"name": (subject, name), "phone": (subject, phone)},
        )
        return EnterpriseContactAdded(contact.id)

    return await transact(uow, run, clash="该联系电话的联系人已存在")


async def _contact_account(uow: Transaction, name: str, phone: str, enterprise_id: int, actor: str) -> int | None:
    """A contact reachable on a mobile gets an account with the enterprise-contact role, so they can sign in
    to the mini-program and bind by phone; one person contact of two enterprises holds both grants."""
    if not v.is_mobile(phone):
        return None
    account, _ = await find_or_create_account(uow, name, phone, actor)
    held = await uow.session.scalar(
        select(AccountRole.id).where(
            AccountRole.account_id == account.id,
            AccountRole.role == Role.ENTERPRISE_CONTACT,
            AccountRole.scope_key == f"enterprise:{enterprise_id}",
        )
    )
    if held is None:
        await grant_role(uow, account.id, Role.ENTERPRISE_CONTACT, actor, enterprise_id=enterprise_id)
    return account.id
