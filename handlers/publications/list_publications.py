"""An institution admin's publications page: what is offered to the institution (open, or accepted by it) and
what it published, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import aliased

from handlers.errors import InvalidInput
from handlers.organisation.actors import load_actor
from handlers.publications.access import admin_institutions, offered_to
from store.models.demands import Demand, DemandStatus
from store.models.organisation import Institution
from store.models.publications import DemandPublication, DemandPublicationTarget, PublicationStatus
from store.uow import UnitOfWork

SIDES = ("offered", "published")


@dataclass(frozen=True)
class ListPublications:
    actor_id: int
    side: str | None = None  # "offered" or "published"; None: both


@dataclass(frozen=True)
class PublicationView:
    id: int
    side: str  # "offered": ours to accept (or accepted by us); "published": ours
    demand_id: int
    demand_number: str
    demand_title: str
    publisher_institution: str
    audience: str
    institution_ids: tuple[int, ...]
    fee_ratio_bp: int
    status: str
    published_at: datetime
    accepted_institution: str | None
    accepted_at: datetime | None


async def list_publications(cmd: ListPublications, uow: UnitOfWork) -> list[PublicationView]:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        mine = admin_institutions(actor)
        if cmd.side not in (None, *SIDES):
            raise InvalidInput("side 只能是 offered 或 published", code="invalid_side")
        wanted: list[ColumnElement[bool]] = [DemandPublication.publisher_institution_id.in_(mine)]
        for i in mine:
            wanted.append(
                offered_to(i)
                & (DemandPublication.status == PublicationStatus.OPEN)
                & (Demand.status == DemandStatus.PUBLISHED)
            )
            wanted.append(DemandPublication.accepted_institution_id == i)
        publisher, acceptor = aliased(Institution), aliased(Institution)
        rows = (
            await uow.session.execute(
                select(DemandPublication, Demand.number, Demand.title, publisher.name, acceptor.name)
                .join(Demand, Demand.id == DemandPublication.demand_id)
                .join(publisher, publisher.id == DemandPublication.publisher_institution_id)
                .outerjoin(acceptor, acceptor.id == DemandPublication.accepted_institution_id)
                .where(or_(*wanted))
                .order_by(DemandPublication.published_at.desc(), DemandPublication.id.desc())
            )
        ).all()
        targets: dict[int, list[int]] = {}
        published = [p.id for p, *_ in rows if p.publisher_institution_id in mine]
        for pid, iid in (
            await uow.session.execute(
                select(DemandPublicationTarget.publication_id, DemandPublicationTarget.institution_id)
                .where(DemandPublicationTarget.publication_id.in_(published))
                .order_by(DemandPublicationTarget.institution_id)
            )
        ).all():
            targets.setdefault(pid, []).append(iid)
        # Other institutions' target lists are theirs: an offered institution sees only the audience.
        views = [
            PublicationView(
                p.id,
                "published" if p.publisher_institution_id in mine else "offered",
                p.demand_id,
                number,
                title,
                pname,
                str(p.audience),
                tuple(targets.get(p.id, ())),
                p.fee_ratio_bp,
                str(p.status),
                p.published_at,
                aname,
                p.accepted_at,
            )
            for p, number, title, pname, aname in rows
        ]
        return [v for v in views if cmd.side in (None, v.side)]
