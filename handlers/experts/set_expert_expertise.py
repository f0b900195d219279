"""A maintaining institution's admin or staff sets an expert's research fields and region (what expert pushes
rank and filter by). The profile belongs to the person: any maintaining institution may keep it current."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.errors import Forbidden
from handlers.experts.expertise import expert_region, research_fields
from handlers.organisation.actors import load_actor
from handlers.organisation.scope import Listing, not_found, require_listing, visible
from store.models.organisation import Role
from store.models.organisation_people import Expert, ExpertLink
from store.uow import UnitOfWork


@dataclass(frozen=True)
class SetExpertExpertise:
    actor_id: int
    expert_id: int
    research_fields: tuple[str, ...]
    region_code: str | None


@dataclass(frozen=True)
class ExpertExpertise:
    expert_id: int
    research_fields: list[str]
    region_code: str | None


async def set_expert_expertise(cmd: SetExpertExpertise, uow: UnitOfWork) -> ExpertExpertise:
    fields = research_fields(cmd.research_fields)
    region = expert_region(cmd.region_code)
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        require_listing(actor, Listing.EXPERTS)
        expert = await uow.session.scalar(
            select(Expert).where(Expert.id == cmd.expert_id, visible(actor, Listing.EXPERTS)).with_for_update()
        )
        if expert is None:
            raise not_found(Listing.EXPERTS)
        keepers = set(
            await uow.session.scalars(select(ExpertLink.institution_id).where(ExpertLink.expert_id == expert.id))
        )
        if not keepers & actor.institutions(Role.INSTITUTION_ADMIN, Role.STAFF):
            raise Forbidden("只有维护该专家的机构人员可以修改研究领域")
        expert.research_fields, expert.region_code, expert.updated_at = fields, region, uow.clock.now()
        uow.record(
            "expert",
            expert.id,
            "expertise_set",
            actor=actor.label,
            data={"research_fields": fields, "region_code": region},
        )
        await uow.commit()
    return ExpertExpertise(cmd.expert_id, fields, region)
