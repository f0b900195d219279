"""Who sees a publication: the institution admins it is offered to (everyone but the publisher, or the chosen
ones); and the publication's own commitment letter for one accepting institution."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, or_, select, update

from handlers.errors import Conflict, Forbidden, NotFound
from handlers.organisation.actors import Actor
from handlers.publications.letter import Letter, render
from store.models.demands import Demand
from store.models.organisation import Institution, Role
from store.models.publications import (
    DemandPublication,
    DemandPublicationTarget,
    PublicationAudience,
    PublicationStatus,
)
from store.uow import UnitOfWork


def admin_institutions(actor: Actor) -> set[int]:
    """403 for anyone who is no institution's admin: only they publish and accept."""
    institutions = actor.institutions(Role.INSTITUTION_ADMIN)
    if not institutions:
        raise Forbidden("只有法人机构管理员可以办理需求公开")
    return institutions


def offered_to(institution_id: int) -> ColumnElement[bool]:
    """Publications (any status) that were offered to the institution."""
    return and_(
        DemandPublication.publisher_institution_id != institution_id,
        or_(
            DemandPublication.audience == PublicationAudience.ALL,
            exists().where(
                DemandPublicationTarget.publication_id == DemandPublication.id,
                DemandPublicationTarget.institution_id == institution_id,
            ),
        ),
    )


async def load_offer(uow: UnitOfWork, actor: Actor, publication_id: int) -> tuple[DemandPublication, int]:
    """The publication and the actor's institution it was offered to; 404 when it never was."""
    for institution_id in sorted(admin_institutions(actor)):
        publication = await uow.session.scalar(
            select(DemandPublication)
            .where(DemandPublication.id == publication_id, offered_to(institution_id))
            .execution_options(populate_existing=True)
        )
        if publication is not None:
            return publication, institution_id
    raise NotFound("未找到该公开需求")


async def institution_name(uow: UnitOfWork, institution_id: int) -> str:
    return await uow.session.scalar(select(Institution.name).where(Institution.id == institution_id)) or ""


async def require_open(uow: UnitOfWork, publication: DemandPublication) -> None:
    """409 once it is taken, naming the institution that accepted it, or withdrawn (by the publisher, or with the
    demand when it was closed or completed)."""
    if publication.status == PublicationStatus.ACCEPTED and publication.accepted_institution_id is not None:
        winner = await institution_name(uow, publication.accepted_institution_id)
        raise Conflict(f"该需求已由「{winner}」受理", code="already_accepted")
    if publication.status != PublicationStatus.OPEN:
        raise Conflict("该需求已不再公开", code="publication_withdrawn")


async def letter_for(uow: UnitOfWork, publication: DemandPublication, acceptor_id: int) -> Letter:
    found = (
        await uow.session.execute(select(Demand.title, Demand.number).where(Demand.id == publication.demand_id))
    ).one()
    publisher = await institution_name(uow, publication.publisher_institution_id)
    return render(
        publication.letter_version,
        publisher=publisher,
        acceptor=await institution_name(uow, acceptor_id),
        title=found.title,
        demand_id=publication.demand_id,
        number=found.number,
        fee_ratio_bp=publication.fee_ratio_bp,
    )


async def end_open_offer(uow: UnitOfWork, demand_id: int, now: datetime) -> bool:
    """The demand's open publication ends as withdrawn: the publisher withdraws it, or the demand is closed or
    completed while still offered (so the publisher's list does not keep showing it as open). One conditional
    update: False when there was none open, e.g. an institution accepted it meanwhile (it stays accepted)."""
    ended = await uow.session.execute(
        update(DemandPublication)
        .where(
            DemandPublication.demand_id == demand_id,
            DemandPublication.status == PublicationStatus.OPEN,
        )
        .values(status=PublicationStatus.WITHDRAWN, withdrawn_at=now)
    )
    return bool(getattr(ended, "rowcount", 0))
