"""Which ledger entries an actor sees, by the organisation's scoping rules (handlers/organisation/scope.py):
a staff member their own, a centre admin their centre's, an institution admin their institution's, an
official those earned in centres of their region (no implicit grant to parents), the system admin all.
Entries carry the institution and centre of the time they were earned, so a move or departure keeps them
where they were earned."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select, true

from handlers.errors import Forbidden
from handlers.organisation.actors import Actor, Grant
from handlers.organisation.scope import any_of, in_region
from store.models.organisation import Centre, Role
from store.models.points import PointEntry


def visible_entries(actor: Actor) -> ColumnElement[bool]:
    if actor.has(Role.SYSTEM_ADMIN):
        return true()
    return any_of(c for g in actor.grants if (c := _clause(actor, g)) is not None)


def require_points_reader(actor: Actor) -> None:
    """Roles that never see contribution points (experts, enterprise contacts…) are refused outright."""
    if not actor.has(Role.SYSTEM_ADMIN) and all(_clause(actor, g) is None for g in actor.grants):
        raise Forbidden("您没有权限查看贡献积分")


def _clause(actor: Actor, g: Grant) -> ColumnElement[bool] | None:
    if g.role == Role.OFFICIAL and g.region_code is not None:
        return PointEntry.centre_id.in_(select(Centre.id).where(in_region(Centre.region_code, g.region_code)))
    if g.role == Role.INSTITUTION_ADMIN and g.institution_id is not None:
        return PointEntry.institution_id == g.institution_id
    if g.role == Role.CENTRE_ADMIN and g.centre_id is not None:
        return PointEntry.centre_id == g.centre_id
    if g.role == Role.STAFF:
        return PointEntry.account_id == actor.account_id
    return None
