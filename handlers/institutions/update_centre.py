"""The institution admin renames a local transfer centre or corrects its region (seed 004 §四)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.errors import Conflict
from handlers.forms.check import validate
from handlers.forms.declaration import Context
from handlers.institutions.form import CENTRE_EDIT
from handlers.organisation.actors import load_actor, require_institution_admin
from handlers.organisation.scope import Listing, not_found, require_listing, visible
from handlers.reference.ports import RegionDirectory
from handlers.transactions import transact
from store.models.organisation import Centre
from store.transaction import Transaction
from store.uow import UnitOfWork

_SAME_NAME = "本机构已有同名的地方转移中心"


@dataclass(frozen=True)
class UpdateCentre:
    actor_id: int
    centre_id: int
    name: str
    region_code: str


@dataclass(frozen=True)
class CentreUpdated:
    centre_id: int
    changed: tuple[str, ...]


async def update_centre(cmd: UpdateCentre, uow: UnitOfWork, regions: RegionDirectory) -> CentreUpdated:
    values = {"name": cmd.name, "region_code": cmd.region_code}
    clean = validate(CENTRE_EDIT, values, Context(uow.clock.now().date(), regions))

    async def run(tx: Transaction) -> CentreUpdated:
        actor = await load_actor(tx, cmd.actor_id)
        require_listing(actor, Listing.CENTRES)
        # Out of the caller's sight reads as missing; in sight but not theirs to change is refused.
        centre = await tx.session.scalar(
            select(Centre).where(Centre.id == cmd.centre_id, visible(actor, Listing.CENTRES)).with_for_update()
        )
        if centre is None:
            raise not_found(Listing.CENTRES)
        require_institution_admin(actor, centre.institution_id)
        taken = await tx.session.scalar(
            select(Centre.id).where(
                Centre.institution_id == centre.institution_id, Centre.name == clean["name"], Centre.id != centre.id
            )
        )
        if taken is not None:
            raise Conflict(_SAME_NAME, code="centre_exists")
        changed = {k: v for k, v in clean.items() if getattr(centre, k) != v}
        if not changed:
            return CentreUpdated(centre.id, ())
        for key, value in changed.items():
            setattr(centre, key, value)
        centre.updated_at = tx.clock.now()
        tx.record("centre", centre.id, "updated", actor=actor.label, data={**changed, "fields": sorted(changed)})
        return CentreUpdated(centre.id, tuple(sorted(changed)))

    return await transact(uow, run, clash=_SAME_NAME)
