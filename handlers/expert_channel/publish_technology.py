"""技术发布: the expert publishes a technology (a result usable in industry)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.expert_channel.access import require_expert
from handlers.expert_channel.technologies import TechnologyFields, TechnologyView, audit_data, clean, view
from store.models.expert_pages import ExpertTechnology, TechnologyStatus
from store.uow import UnitOfWork


@dataclass(frozen=True)
class PublishTechnology:
    actor_id: int
    fields: TechnologyFields


async def publish_technology(cmd: PublishTechnology, uow: UnitOfWork) -> TechnologyView:
    fields = clean(cmd.fields, uow.clock.now().date())
    async with uow:
        expert = await require_expert(uow, cmd.actor_id)
        now = uow.clock.now()
        row = ExpertTechnology(
            expert_id=expert.id,
            title=fields.title,
            field_codes=list(fields.field_codes),
            summary=fields.summary,
            maturity=fields.maturity,
            cooperation_mode=fields.cooperation_mode,
            status=TechnologyStatus.PUBLISHED,
            created_at=now,
            updated_at=now,
        )
        uow.session.add(row)
        await uow.session.flush()
        uow.record("expert_technology", row.id, "publish", actor=f"account:{cmd.actor_id}", data=audit_data(fields))
        result = view(row)
        await uow.commit()
    return result
