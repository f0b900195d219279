"""The publisher's side: the demand a publication is made or withdrawn for, by an admin of its institution.
(Its own module: handlers.demands.scope reads handlers.publications.access, so that module cannot read back.)"""

from __future__ import annotations

from handlers.demands.access import locked, manages
from handlers.demands.scope import require_demand_in_scope
from handlers.errors import Forbidden
from handlers.organisation.actors import Actor
from handlers.publications.access import admin_institutions
from store.models.demands import Demand
from store.uow import UnitOfWork


async def publishers_demand(uow: UnitOfWork, actor: Actor, demand_id: int, refusal: str) -> Demand:
    """The demand under its row lock, for an admin of its institution; 403 with `refusal` to another admin who
    sees it, 404 to one who does not."""
    admin_institutions(actor)
    demand = await locked(uow, demand_id)
    if not manages(actor, demand):
        await require_demand_in_scope(uow, actor, demand.id)
        raise Forbidden(refusal)
    return demand
