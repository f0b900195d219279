"""An institution admin the publication is offered to reads the commitment letter it would sign: the text names
both institutions, the demand and the fee ratio; the version and hash go back with the acceptance."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.demands.states import Step, next_status
from handlers.organisation.actors import load_actor
from handlers.publications.access import letter_for, load_offer, require_open
from store.models.demands import Demand
from store.uow import UnitOfWork


@dataclass(frozen=True)
class RenderCommitmentLetter:
    actor_id: int
    publication_id: int


@dataclass(frozen=True)
class CommitmentLetter:
    publication_id: int
    letter_version: str
    text: str
    sha256: str


async def render_commitment_letter(cmd: RenderCommitmentLetter, uow: UnitOfWork) -> CommitmentLetter:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        publication, institution_id = await load_offer(uow, actor, cmd.publication_id)
        await require_open(uow, publication)
        # A demand closed or completed meanwhile can no longer be accepted.
        next_status(
            Step.ACCEPT_PUBLICATION,
            await uow.session.scalar(select(Demand.status).where(Demand.id == publication.demand_id)),
        )
        letter = await letter_for(uow, publication, institution_id)
        return CommitmentLetter(publication.id, letter.version, letter.text, letter.sha256)
