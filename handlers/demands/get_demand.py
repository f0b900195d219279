"""One demand with its timeline, and the names a reader needs beside its ids and codes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.demands.access import is_owner, manages
from handlers.demands.allowed_actions import allowed_actions
from handlers.demands.allowed_changes import allowed_changes
from handlers.demands.pool import pool_visible
from handlers.demands.scope import enterprises_of, require_demands, visible_demands
from handlers.demands.views import ContactView, DemandDetail, DemandNames, TechFieldName, detail
from handlers.errors import NotFound
from handlers.files.links import demand_file_links, in_order
from handlers.follow_ups.access import is_docking_admin, is_docking_staff
from handlers.organisation.actors import Actor, load_actor
from handlers.reference.regions import Regions
from handlers.reference.tech_fields import TechFields
from store.models.demands import Demand, DemandEvent
from store.models.organisation import Account, Centre, Institution, Role
from store.models.organisation_people import Enterprise, EnterpriseContact
from store.uow import UnitOfWork


@dataclass(frozen=True)
class GetDemand:
    actor_id: int
    demand_id: int


async def get_demand(cmd: GetDemand, uow: UnitOfWork) -> DemandDetail:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        require_demands(actor)
        seen = (await visible_demands(uow, actor)) | await pool_visible(uow, actor)
        demand = await uow.session.scalar(select(Demand).where(Demand.id == cmd.demand_id, seen))
        if demand is None:
            raise NotFound("未找到该需求")
        events = list(
            await uow.session.scalars(
                select(DemandEvent).where(DemandEvent.demand_id == demand.id).order_by(DemandEvent.id)
            )
        )
        changes = await allowed_changes(uow, actor, demand)
        actions = await allowed_actions(uow, actor, demand)
        return detail(demand, events, await names_of(uow, actor, demand), changes, actions)


async def names_of(uow: UnitOfWork, actor: Actor, demand: Demand) -> DemandNames:
    enterprise = await uow.session.scalar(select(Enterprise.name).where(Enterprise.id == demand.enterprise_id))
    institution = centre = staff = None
    if demand.institution_id is not None:
        institution = await uow.session.scalar(select(Institution.name).where(Institution.id == demand.institution_id))
    if demand.centre_id is not None:
        centre = await uow.session.scalar(select(Centre.name).where(Centre.id == demand.centre_id))
    if demand.staff_account_id is not None:
        staff = await uow.session.scalar(select(Account.name).where(Account.id == demand.staff_account_id))
    taxonomy, regions = TechFields.load(), Regions.load()
    fields = tuple(
        TechFieldName(str(code), taxonomy.name_of(str(code)), taxonomy.path(str(code)))
        for code in demand.tech_fields
        if taxonomy.exists(str(code))
    )
    region = regions.full_name(demand.region_code) if regions.exists(demand.region_code) else demand.region_code
    contacts: tuple[ContactView, ...] = ()
    if await own_side(uow, actor, demand):
        contacts = tuple(
            ContactView(c.name, c.position, c.phone)
            for c in await uow.session.scalars(
                select(EnterpriseContact)
                .where(EnterpriseContact.enterprise_id == demand.enterprise_id)
                .order_by(EnterpriseContact.id)
            )
        )
    links = await demand_file_links(uow, demand.id, demand.attachment_ids)
    return DemandNames(
        enterprise or "", institution, centre, staff, fields, region, contacts, in_order(links, demand.attachment_ids)
    )


async def own_side(uow: UnitOfWork, actor: Actor, demand: Demand) -> bool:
    """Who reads the enterprise's contacts: the enterprise's own contacts, the demand's institution (its admin,
    its centre's admin and staff), and the docking side once another institution accepted it. Officials, the
    pool's other institutions and those a publication is merely offered to see the enterprise's name only."""
    if actor.has(Role.SYSTEM_ADMIN) or is_owner(actor, demand) or manages(actor, demand):
        return True
    if demand.centre_id is not None and any(
        g.role in (Role.CENTRE_ADMIN, Role.STAFF) and g.centre_id == demand.centre_id for g in actor.grants
    ):
        return True
    if is_docking_staff(actor, demand) or await is_docking_admin(uow, actor, demand):
        return True
    return actor.has(Role.ENTERPRISE_CONTACT) and demand.enterprise_id in await enterprises_of(uow, actor)
