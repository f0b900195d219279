"""技术发布: the expert edits one of their technologies. Editing a withdrawn one publishes it again, as a
user who fixes and re-saves a withdrawn entry expects."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.expert_channel.access import require_expert
from handlers.expert_channel.technologies import TechnologyFields, TechnologyView, audit_data, clean, own_locked, view
from store.models.expert_pages import TechnologyStatus
from store.uow import UnitOfWork


@dataclass(frozen=True)
class EditTechnology:
    actor_id: int
    technology_id: int
    fields: TechnologyFields


async def edit_technology(cmd: EditTechnology, uow: UnitOfWork) -> TechnologyView:
    fields = clean(cmd.fields, uow.clock.now().date())
    async with uow:
        expert = await require_expert(uow, cmd.actor_id)
        row = await own_locked(uow, expert.id, cmd.technology_id)
        row.title, row.field_codes, row.summary = fields.title, list(fields.field_codes), fields.summary
        row.maturity, row.cooperation_mode = fields.maturity, fields.cooperation_mode
        row.status = TechnologyStatus.PUBLISHED
        row.updated_at = uow.clock.now()
        uow.record("expert_technology", row.id, "edit", actor=f"account:{cmd.actor_id}", data=audit_data(fields))
        result = view(row)
        await uow.commit()
    return result
