"""Adding a research result or a technical solution to an expert's page: the writes both use cases share.

The profile belongs to the person, so any maintaining institution's admin or staff may add to it; an actor
who cannot see the expert gets not_found, one who sees but does not maintain them (an official) forbidden.
"""

from __future__ import annotations

from sqlalchemy import select

from handlers.errors import Forbidden
from handlers.organisation import validation as v
from handlers.organisation.actors import load_actor
from handlers.organisation.scope import Listing, not_found, require_listing, visible
from store.models.organisation import Role
from store.models.organisation_people import Expert, ExpertLink, ExpertResearchResult, ExpertTechnicalSolution
from store.uow import UnitOfWork

WorkRow = type[ExpertResearchResult] | type[ExpertTechnicalSolution]


async def add_work(
    uow: UnitOfWork, actor_id: int, expert_id: int, row_type: WorkRow, label: str, title: str, summary: str
) -> int:
    clean_title = v.required_text(title, f"{label}名称", 200)
    clean_summary = v.optional_text(summary, f"{label}简介", 2000)
    async with uow:
        actor = await load_actor(uow, actor_id)
        require_listing(actor, Listing.EXPERTS)
        # The expert's row lock keeps the expert's audit chain linear.
        expert = await uow.session.scalar(
            select(Expert).where(Expert.id == expert_id, visible(actor, Listing.EXPERTS)).with_for_update()
        )
        if expert is None:
            raise not_found(Listing.EXPERTS)
        keepers = set(
            await uow.session.scalars(select(ExpertLink.institution_id).where(ExpertLink.expert_id == expert.id))
        )
        if not keepers & actor.institutions(Role.INSTITUTION_ADMIN, Role.STAFF):
            raise Forbidden(f"只有维护该专家的机构人员可以添加{label}")
        now = uow.clock.now()
        row = row_type(expert_id=expert.id, title=clean_title, summary=clean_summary, created_at=now)
        uow.session.add(row)
        expert.updated_at = now
        await uow.session.flush()
        uow.record(
            "expert",
            expert.id,
            f"{row_type.__tablename__.removeprefix('expert_').removesuffix('s')}_added",
            actor=actor.label,
            data={"id": row.id, "title": clean_title},
        )
        await uow.commit()
    return row.id
