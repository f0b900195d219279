"""The institution admin sets up a local transfer centre (seed 004 §四: centres first, then staff)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.errors import Conflict
from handlers.forms.check import validate
from handlers.forms.declaration import Context
from handlers.institutions.form import CENTRE
from handlers.organisation.actors import load_actor, require_institution_admin
from handlers.reference.ports import RegionDirectory
from handlers.transactions import transact
from store.models.organisation import Centre
from store.transaction import Transaction
from store.uow import UnitOfWork


@dataclass(frozen=True)
class CreateCentre:
    actor_id: int
    institution_id: int
    name: str
    region_code: str


@dataclass(frozen=True)
class CentreCreated:
    centre_id: int


async def create_centre(cmd: CreateCentre, uow: UnitOfWork, regions: RegionDirectory) -> CentreCreated:
    values = {"name": cmd.name, "region_code": cmd.region_code}
    clean = validate(CENTRE, values, Context(uow.clock.now().date(), regions))
    name, region = clean["name"], clean["region_code"]

    async def run(tx: Transaction) -> CentreCreated:
        actor = await load_actor(tx, cmd.actor_id)
        require_institution_admin(actor, cmd.institution_id)
        taken = await tx.session.scalar(
            select(Centre.id).where(Centre.institution_id == cmd.institution_id, Centre.name == name)
        )
        if taken is not None:
            raise Conflict("本机构已有同名的地方转移中心", code="centre_exists")
        now = tx.clock.now()
        centre = Centre(
            institution_id=cmd.institution_id, name=name, region_code=region, created_at=now, updated_at=now
        )
        tx.session.add(centre)
        await tx.session.flush()
        tx.record(
            "centre",
            centre.id,
            "created",
            actor=actor.label,
            data={"institution_id": cmd.institution_id, "name": name, "region_code": region},
        )
        return CentreCreated(centre.id)

    return await transact(uow, run, clash="本机构已有同名的地方转移中心")
