"""The four monitors of seed 004 §八 and who sees what in them, through the one scoping function
(handlers/organisation/scope.py): an official their region by GB/T 2260 prefix (no implicit grant to parents),
an institution admin their institution, the system admin everything."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, case, or_, select, true

from handlers.errors import Forbidden, InvalidInput
from handlers.monitoring.facts import Measure
from handlers.monitoring.period import Window
from handlers.organisation.actors import Actor
from handlers.organisation.scope import Listing, any_of, in_region, visible
from handlers.reference.regions import Regions
from store.models.organisation import Account, Centre, Institution, Role, StaffMember


class View(StrEnum):
    INSTITUTIONS = "institutions"  # 技转机构监测
    CENTRES = "centres"  # 地域监测 (per local centre)
    STAFF = "staff"  # 技转人员监测
    OVERVIEW = "overview"  # the bureau's roll-up: province → city → district


TITLES = {
    View.INSTITUTIONS: "技转机构监测",
    View.CENTRES: "地域监测",
    View.STAFF: "技转人员监测",
    View.OVERVIEW: "区域总览",
}

MEASURES: dict[View, tuple[Measure, ...]] = {
    View.INSTITUTIONS: (
        Measure.EXPERTS,
        Measure.STAFF,
        Measure.DEMANDS_DOCKED,
        Measure.DEALS,
        Measure.POINTS,
        Measure.VISITS,
        Measure.REVIEWS_DECIDED,
        Measure.REVIEW_HOURS,
        Measure.REVIEWS_OVERDUE,
    ),
    View.CENTRES: (Measure.STAFF, Measure.DEMANDS_DOCKED, Measure.DEALS, Measure.POINTS, Measure.VISITS),
    View.STAFF: (Measure.POINTS, Measure.DEALS, Measure.DEMANDS_FOUND, Measure.VISITS),
    View.OVERVIEW: (
        Measure.CENTRES,
        Measure.STAFF,
        Measure.DEMANDS_DOCKED,
        Measure.DEALS,
        Measure.POINTS,
        Measure.VISITS,
        # Under the review's own region (a demand's, an institution's, a registration's), not a centre's.
        Measure.REVIEWS_DECIDED,
        Measure.REVIEW_HOURS,
        Measure.REVIEWS_OVERDUE,
    ),
}

# The fact column a view groups by (the overview groups by a prefix of region_code instead).
GROUP_COLUMN = {View.INSTITUTIONS: "institution_id", View.CENTRES: "centre_id", View.STAFF: "account_id"}

# Who monitors: 科技管理人员 (officials) and the institutions' own management (seed 004 §一.4).
_MONITORS = {View.OVERVIEW: frozenset({Role.OFFICIAL})}
_DEFAULT_MONITORS = frozenset({Role.OFFICIAL, Role.INSTITUTION_ADMIN})


def monitoring_actor(actor: Actor, view: View) -> Actor:
    """The actor with only the grants that monitor this view: a staff role held beside an admin role adds
    nothing here. Refuses a person with none (403)."""
    roles = _MONITORS.get(view, _DEFAULT_MONITORS)
    if actor.has(Role.SYSTEM_ADMIN):
        return actor
    grants = tuple(g for g in actor.grants if g.role in roles)
    if not grants:
        raise Forbidden(f"您没有权限查看{TITLES[view]}")
    return Actor(actor.account_id, grants)


def parse_view(value: str) -> View:
    try:
        return View(value)
    except ValueError:
        raise InvalidInput("监测类型应为 institutions、centres、staff 或 overview", code="invalid_view") from None


def parse_measure(view: View, value: str) -> Measure:
    for m in MEASURES[view]:
        if m.value == value:
            return m
    raise InvalidInput("该监测没有这项指标", code="invalid_measure")


@dataclass(frozen=True)
class Unit:
    id: int
    name: str
    parent: str  # the institution of a centre, the centre of a staff member, the parent region
    region_code: str


def units(actor: Actor, view: View, w: Window) -> Select[int, str, str, str]:
    """Everyone in scope, ordered, for a view other than the overview (figures or not: zeros are listed). A unit
    created after the period is listed too, with the zeros it had then; a staff member who left before it is not."""
    if view == View.INSTITUTIONS:
        return (
            select(Institution.id, Institution.name, Institution.region_code, Institution.region_code)
            .where(visible(actor, Listing.INSTITUTIONS))
            .order_by(Institution.id)
        )
    if view == View.CENTRES:
        return (
            select(Centre.id, Centre.name, Institution.name, Centre.region_code)
            .join(Institution, Institution.id == Centre.institution_id)
            .where(visible(actor, Listing.CENTRES))
            .order_by(Centre.id)
        )
    # Staff still on the books when the period began, keyed by account: points and deals are credited by account.
    return (
        select(StaffMember.account_id, Account.name, Centre.name, Centre.region_code)
        .join(Account, Account.id == StaffMember.account_id)
        .join(Centre, Centre.id == StaffMember.centre_id)
        .where(
            or_(StaffMember.left_at.is_(None), StaffMember.left_at >= w.start),
            visible(actor, Listing.STAFF),
        )
        .order_by(StaffMember.id)
    )


def region_scope(actor: Actor) -> list[str] | None:
    """The region codes an official's overview covers; None: everything (the system admin)."""
    if actor.has(Role.SYSTEM_ADMIN):
        return None
    return sorted({g.region_code for g in actor.grants if g.role == Role.OFFICIAL and g.region_code})


def in_regions(column: Any, codes: list[str] | None) -> ColumnElement[bool]:
    """The one scoping rule (handlers/organisation/scope.py, withdrawn codes where their successors lie) for
    several regions; None: everywhere."""
    if codes is None:
        return true()
    return any_of(in_region(column, c) for c in codes)


def attributed_region(column: Any) -> ColumnElement[str]:
    """The region a fact counts under: a withdrawn code's history goes to its successor (撤县设区). Applied to the
    facts' region codes before they are grouped by prefix, leaving the aggregates as they are."""
    retired = Regions.load().retired()
    return case(*((column == old, new) for old, new in sorted(retired.items())), else_=column)
