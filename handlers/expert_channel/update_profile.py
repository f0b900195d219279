"""信息维护: the expert edits their title, employer and introduction (name and mobile are the institution's
and the account's to change)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.expert_channel.access import require_expert
from handlers.expert_channel.form import EXPERT_PROFILE
from handlers.expert_channel.get_profile import ExpertProfileView, profile_view
from handlers.forms.check import validate
from handlers.forms.declaration import Context
from store.uow import UnitOfWork

# The limits are the form's (handlers.expert_channel.form).
TITLE_MAX = EXPERT_PROFILE.field("title").max_length or 0
EMPLOYER_MAX = EXPERT_PROFILE.field("employer").max_length or 0


@dataclass(frozen=True)
class UpdateProfile:
    actor_id: int
    title: str
    employer: str
    introduction: str


async def update_profile(cmd: UpdateProfile, uow: UnitOfWork) -> ExpertProfileView:
    values = {"title": cmd.title, "employer": cmd.employer, "introduction": cmd.introduction}
    clean = validate(EXPERT_PROFILE, values, Context(uow.clock.now().date()))
    title, employer, introduction = clean["title"], clean["employer"], clean["introduction"]
    async with uow:
        expert = await require_expert(uow, cmd.actor_id)
        changed = {
            name: value
            for name, value in (("title", title), ("employer", employer), ("introduction", introduction))
            if getattr(expert, name) != value
        }
        if changed:
            for name, value in changed.items():
                setattr(expert, name, value)
            expert.updated_at = uow.clock.now()
            uow.record("expert", expert.id, "update_profile", actor=f"account:{cmd.actor_id}", data=changed)
        view = await profile_view(uow, cmd.actor_id)
        await uow.commit()
    return view
