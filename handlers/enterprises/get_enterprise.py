"""One enterprise the actor may see, with its registry details and contacts (seed 004 §七)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from handlers.enterprises.enterprise_registry import VERIFICATION_LABELS
from handlers.organisation.actors import load_actor
from handlers.organisation.scope import Listing, not_found, require_listing, visible
from store.models.organisation import Role
from store.models.organisation_people import Enterprise, EnterpriseContact, EnterpriseVerification
from store.uow import UnitOfWork


@dataclass(frozen=True)
class GetEnterprise:
    actor_id: int
    enterprise_id: int


@dataclass(frozen=True)
class ContactView:
    contact_id: int
    name: str
    position: str
    phone: str


@dataclass(frozen=True)
class EnterpriseDetail:
    enterprise_id: int
    name: str
    credit_code: str
    region_code: str
    legal_representative: str
    registered_capital_fen: int | None  # None when entered by hand (or the registry gave none)
    address: str
    established_on: date | None
    contacts: tuple[ContactView, ...]
    verification: EnterpriseVerification
    verification_label: str  # 未核验 / 已核验
    verified_by: str | None  # the registry that confirmed it
    # Whether the caller may correct it now (PATCH): unverified and entered by the caller's institution.
    editable: bool


async def get_enterprise(cmd: GetEnterprise, uow: UnitOfWork) -> EnterpriseDetail:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        require_listing(actor, Listing.ENTERPRISES)
        e = await uow.session.scalar(
            select(Enterprise).where(Enterprise.id == cmd.enterprise_id, visible(actor, Listing.ENTERPRISES))
        )
        if e is None:
            raise not_found(Listing.ENTERPRISES)
        contacts = await uow.session.scalars(
            select(EnterpriseContact).where(EnterpriseContact.enterprise_id == e.id).order_by(EnterpriseContact.id)
        )
        views = tuple(ContactView(c.id, c.name, c.position, c.phone) for c in contacts)
        status = EnterpriseVerification(e.verification)
        editable = status == EnterpriseVerification.UNVERIFIED and e.entered_by_institution_id in actor.institutions(
            Role.INSTITUTION_ADMIN, Role.STAFF
        )
        return EnterpriseDetail(
            e.id,
            e.name,
            e.credit_code,
            e.region_code,
            e.legal_representative,
            e.registered_capital_fen,
            e.address,
            e.established_on,
            views,
            status,
            VERIFICATION_LABELS[status],
            e.verified_by,
            editable,
        )
