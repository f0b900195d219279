"""Which demands an expert sees (issue #7 item 2): approved and not closed, of every institution that maintains
them, plus those published to one of those institutions or to all (seed 004 §四.6) while the publication is open,
and those an institution of theirs accepted and now docks. An expert maintained by two institutions is one person
and sees both.

The predicate takes the expert as a value or as a column, so the digest can match every expert in one
statement (a correlated subquery) and the pages can match one."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from store.models.demands import Demand, DemandStatus
from store.models.organisation_people import ExpertLink
from store.models.publications import (
    DemandPublication,
    DemandPublicationTarget,
    PublicationAudience,
    PublicationStatus,
)

# An id as a value, or as a column for a correlated, set-based use.
ExpertRef = int | ColumnElement[int] | InstrumentedAttribute[int]

# Approved and still open: an expert can dock these.
OPEN_TO_EXPERTS = (DemandStatus.DOCKING, DemandStatus.PUBLISHED)


def _their_institutions(expert_id: ExpertRef) -> Select[int]:
    return select(ExpertLink.institution_id).where(ExpertLink.expert_id == expert_id)


def maintaining_institutions(expert_id: ExpertRef) -> ColumnElement[bool]:
    """`Demand.institution_id` is one of the institutions maintaining the expert."""
    return Demand.institution_id.in_(_their_institutions(expert_id))


def published_to_them(expert_id: ExpertRef) -> ColumnElement[bool]:
    """An open publication to all or to one of their institutions, or one their institution accepted."""
    offered = and_(
        DemandPublication.status == PublicationStatus.OPEN,
        or_(
            DemandPublication.audience == PublicationAudience.ALL,
            DemandPublication.id.in_(
                select(DemandPublicationTarget.publication_id).where(
                    DemandPublicationTarget.institution_id.in_(_their_institutions(expert_id))
                )
            ),
        ),
    )
    accepted = and_(
        DemandPublication.status == PublicationStatus.ACCEPTED,
        DemandPublication.accepted_institution_id.in_(_their_institutions(expert_id)),
    )
    return Demand.id.in_(select(DemandPublication.demand_id).where(or_(offered, accepted)))


def visible_to_expert(expert_id: ExpertRef) -> ColumnElement[bool]:
    return and_(
        Demand.status.in_(OPEN_TO_EXPERTS), or_(maintaining_institutions(expert_id), published_to_them(expert_id))
    )
