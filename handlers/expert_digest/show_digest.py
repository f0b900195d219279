"""The demands of one digest, for the page its template message opens: exactly those, only for its expert."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from handlers.errors import NotFound
from handlers.expert_channel.visibility import OPEN_TO_EXPERTS
from handlers.expert_digest.experts import expert_of
from store.models.demands import Demand
from store.models.expert_digest import DigestMessage, DigestPair
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ShowDigest:
    actor_id: int
    digest_id: int


@dataclass(frozen=True)
class DigestDemand:
    id: int
    number: str
    title: str
    tech_fields: list[str]
    region_code: str
    status: str
    open: bool  # still open to experts; a closed one stays listed so the count matches the message


@dataclass(frozen=True)
class DigestView:
    id: int
    business_date: date
    demand_count: int
    demands: list[DigestDemand]


class DigestNotFound(NotFound):
    message = "未找到该推送"


async def show_digest(cmd: ShowDigest, uow: UnitOfWork) -> DigestView:
    async with uow:
        expert = await expert_of(uow, cmd.actor_id)
        digest = await uow.session.get(DigestMessage, cmd.digest_id)
        if digest is None or digest.expert_id != expert.id:  # someone else's answers like a missing one
            raise DigestNotFound()
        demands = await uow.session.scalars(
            select(Demand)
            .join(DigestPair, DigestPair.demand_id == Demand.id)
            .where(DigestPair.digest_message_id == digest.id)
            .order_by(Demand.id.desc())
        )
        return DigestView(
            digest.id,
            digest.business_date,
            digest.demand_count,
            [
                DigestDemand(
                    d.id,
                    d.number,
                    d.title,
                    [str(f) for f in d.tech_fields],
                    d.region_code,
                    d.status,
                    d.status in OPEN_TO_EXPERTS,
                )
                for d in demands
            ],
        )
