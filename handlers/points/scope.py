"""Which ledger entries an actor sees, by the organisation's scoping rules (handlers/organisation/scope.py):
a staff member their own, a centre admin their centre's, an institution admin their institution's, an
official those earned in centres of their region (no implicit grant to parents), the system admin all.
Entries carry the institution and centre of the time they were earned, so a move or departure keeps them
where they were earned."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select, true

from handlers.errors import Forbidden
from handlers.organisation.actors import Actor, Grant
from handlers.organisation.validation import region_prefix
from store.models.organisation import Centre, Role
from store.models.points import PointEntry


def visible_entries(actor: Actor) -> ColumnElement[bool]:
    if actor.has(Role.SYSTEM_ADMIN):
        return true()
    clauses = [c for g in actor.grants if (c := _clause(actor, g)) is not None]
    return or_(*clauses) if clauses else false()


def require_points_reader(actor: Actor) -> None:
    """Roles that never see contribution points (experts, enterprise contacts…) are refused outright."""
    if not actor.has(Role.SYSTEM_ADMIN) and all(_clause(actor, g) is None for g in actor.grants):
        raise Forbidden("您没有权限查看贡献积分")


def _clause(actor: Actor, g: Grant) -> ColumnElement[bool] | None:
    if g.role == Role.OFFICIAL and g.region_code is not None:
        # The prefix is digits only, so LIKE needs no escaping.
        in_region = select(Centre.id).where(Centre.region_code.like(region_prefix(g.region_code) + "%"))
        return PointEntry.centre_id.in_(in_region)
    if g.role == Role.INSTITUTION_ADMIN and g.institution_id is not None:
        return PointEntry.institution_id == g.institution_id
    if g.role == Role.CENTRE_ADMIN and g.centre_id is not None:
        return PointEntry.centre_id == g.centre_id
    if g.role == Role.STAFF:
        return PointEntry.account_id == actor.account_id
    return None
