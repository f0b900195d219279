"""A staff member of the maintaining institution records a follow-up with an expert, on that link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from handlers.errors import NotFound
from handlers.experts.form import EXPERT_FOLLOW_UP
from handlers.forms.check import validate
from handlers.forms.declaration import Context
from handlers.organisation import validation as v
from handlers.organisation.actors import load_actor, require_staff
from handlers.organisation.people import subject_of
from handlers.organisation.scope import Listing, require_visible
from store.models.organisation_people import Expert, ExpertFollowUp, ExpertLink, FollowUpKind
from store.uow import UnitOfWork


@dataclass(frozen=True)
class AddExpertFollowUp:
    actor_id: int
    link_id: int
    kind: str
    occurred_at: datetime
    content: str


@dataclass(frozen=True)
class ExpertFollowUpAdded:
    follow_up_id: int


async def add_expert_follow_up(cmd: AddExpertFollowUp, uow: UnitOfWork) -> ExpertFollowUpAdded:
    values = {"kind": cmd.kind, "occurred_at": cmd.occurred_at, "content": cmd.content}
    clean = validate(EXPERT_FOLLOW_UP, values, Context(uow.clock.now().date()))
    kind, content = FollowUpKind(clean["kind"]), clean["content"]
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        link = await uow.session.scalar(select(ExpertLink).where(ExpertLink.id == cmd.link_id).with_for_update())
        if link is None:
            raise NotFound("未找到该专家")
        # The link as the expert's page shows it (the expert and the link's institution both in scope); another
        # institution's link is theirs: not found, even when the expert is shared.
        await require_visible(uow, actor, Listing.EXPERTS, link.expert_id, NotFound("未找到该专家"))
        await require_visible(uow, actor, Listing.INSTITUTIONS, link.institution_id, NotFound("未找到该专家"))
        require_staff(actor, link.institution_id)
        v.not_in_future(cmd.occurred_at, uow.clock.now())
        row = ExpertFollowUp(
            link_id=link.id,
            staff_account_id=actor.account_id,
            kind=kind,
            occurred_at=cmd.occurred_at,
            content=content,
            created_at=uow.clock.now(),
        )
        uow.session.add(row)
        await uow.session.flush()
        person = await uow.session.scalar(select(Expert.account_id).where(Expert.id == link.expert_id))
        assert person is not None
        # The content is about the person; it stays out of the chain's plain data.
        uow.record(
            "expert_link",
            link.id,
            "follow_up_added",
            actor=actor.label,
            data={"follow_up_id": row.id, "kind": kind, "occurred_at": cmd.occurred_at.isoformat()},
            personal={"content": (subject_of(person), content)},
        )
        await uow.commit()
    return ExpertFollowUpAdded(row.id)
