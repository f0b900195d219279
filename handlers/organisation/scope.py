"""The one scoping function for listing organisation records.

The system admin sees everything; an institution's admin its institution's records; a centre admin their
centre; an official the records whose region code starts with their own prefix (province 2 digits, city 4,
district 6) — a district official never sees the city's own records: no implicit grant to parents. A technology
manager sees the institution they are bound to, nothing more.
Grants add up: a person with two roles sees the union.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute

from handlers.errors import Forbidden, NotFound
from handlers.organisation.actors import Actor, Grant
from handlers.organisation.validation import region_prefix
from handlers.reference.regions import Regions
from store.models.organisation import Centre, Institution, Official, Role, StaffMember
from store.models.organisation_people import Enterprise, EnterpriseLink, Expert, ExpertLink
from store.transaction import Transaction


class Listing(StrEnum):
    INSTITUTIONS = "institutions"
    CENTRES = "centres"
    STAFF = "staff"
    EXPERTS = "experts"
    ENTERPRISES = "enterprises"
    OFFICIALS = "officials"


# What a refused listing or an unseen record is called, so a detail page says what was not found.
_NAMES = {
    Listing.INSTITUTIONS: "法人机构",
    Listing.CENTRES: "地方转移中心",
    Listing.STAFF: "技转人员",
    Listing.EXPERTS: "专家",
    Listing.ENTERPRISES: "企业",
    Listing.OFFICIALS: "科技管理人员",
}


def visible(actor: Actor, listing: Listing) -> ColumnElement[bool]:
    """A WHERE clause over the listing's own table (Institution, Centre, StaffMember, Expert, Enterprise,
    Official)."""
    if actor.has(Role.SYSTEM_ADMIN):
        return true()
    return any_of(c for g in actor.grants if (c := _clause(actor, g, listing)) is not None)


def can_list(actor: Actor, listing: Listing) -> bool:
    """Whether any of the actor's roles sees records of this kind at all."""
    return actor.has(Role.SYSTEM_ADMIN) or any(_clause(actor, g, listing) is not None for g in actor.grants)


def require_listing(actor: Actor, listing: Listing) -> None:
    """A role that never sees records of this kind is refused (403); a record of the kind outside the
    actor's scope is answered by not_found (404) instead, so guessing ids reveals nothing."""
    if not can_list(actor, listing):
        raise Forbidden(f"您没有权限查看{_NAMES[listing]}信息")


def not_found(listing: Listing) -> NotFound:
    return NotFound(f"未找到该{_NAMES[listing]}")


_TABLES: dict[Listing, Any] = {
    Listing.INSTITUTIONS: Institution,
    Listing.CENTRES: Centre,
    Listing.STAFF: StaffMember,
    Listing.EXPERTS: Expert,
    Listing.ENTERPRISES: Enterprise,
    Listing.OFFICIALS: Official,
}


async def require_visible(
    uow: Transaction, actor: Actor, listing: Listing, record_id: int, missing: NotFound | None = None
) -> None:
    """For a write naming a record: a record outside the actor's scope is not_found, exactly as an id that
    does not exist, so a write never confirms what a read would hide — also for a role that never sees its
    kind (every record is outside its scope). The use case then checks the right to change what the actor
    does see (403)."""
    table = _TABLES[listing]
    found = await uow.session.scalar(select(table.id).where(table.id == record_id, visible(actor, listing)))
    if found is None:
        raise missing or not_found(listing)


def in_region(column: InstrumentedAttribute[str] | ColumnElement[str], code: str) -> ColumnElement[bool]:
    """The region prefix rule (province 2 digits, city 4, district 6) over a region-code column. A record under a
    withdrawn code (撤县设区) lies where the code's successor lies (handlers/reference/data/regions_abolished.json):
    the new district's official sees the old county's records; the old city's only if the successor is in it."""
    prefix = region_prefix(code)
    moved = _moved(prefix)
    # The prefix is digits only, so LIKE needs no escaping.
    clause: ColumnElement[bool] = column.like(prefix + "%")
    if moved.out:
        clause = clause & column.not_in(moved.out)
    return or_(clause, column.in_(moved.into)) if moved.into else clause


def within_region(code: str, scope_code: str) -> bool:
    """The same rule for a code in hand: whether the scope's prefix covers it (or its successor)."""
    return successor_code(code).startswith(region_prefix(scope_code))


def successor_code(code: str) -> str:
    """The current code a record under this code is attributed to (itself unless withdrawn)."""
    return Regions.load().successor(code)


@dataclass(frozen=True)
class _Moved:
    into: tuple[str, ...]  # withdrawn codes outside the prefix whose successor lies inside it
    out: tuple[str, ...]  # withdrawn codes inside the prefix whose successor lies outside it


@cache
def _moved(prefix: str) -> _Moved:
    retired = Regions.load().retired()
    return _Moved(
        tuple(sorted(old for old, new in retired.items() if new.startswith(prefix) and not old.startswith(prefix))),
        tuple(sorted(old for old, new in retired.items() if old.startswith(prefix) and not new.startswith(prefix))),
    )


def any_of(clauses: Iterable[ColumnElement[bool]]) -> ColumnElement[bool]:
    """Grants add up: the union of what each one shows, nothing when none applies."""
    found = list(clauses)
    return or_(*found) if found else false()


def _clause(actor: Actor, g: Grant, listing: Listing) -> ColumnElement[bool] | None:
    if g.role == Role.OFFICIAL and g.region_code is not None:
        return _official(g.region_code, listing)
    if listing == Listing.OFFICIALS:
        return None  # only the system admin and officials (their region's colleagues) see officials
    if g.institution_id is None:
        return None
    inst = g.institution_id
    if g.role in (Role.INSTITUTION_ADMIN, Role.CENTRE_ADMIN, Role.STAFF):
        if listing == Listing.INSTITUTIONS:
            return Institution.id == inst
        if listing == Listing.EXPERTS:
            return Expert.id.in_(select(ExpertLink.expert_id).where(ExpertLink.institution_id == inst))
        if listing == Listing.ENTERPRISES:
            return Enterprise.id.in_(select(EnterpriseLink.enterprise_id).where(EnterpriseLink.institution_id == inst))
    if g.role == Role.INSTITUTION_ADMIN:
        if listing == Listing.CENTRES:
            return Centre.institution_id == inst
        if listing == Listing.STAFF:
            return StaffMember.institution_id == inst
    if g.role == Role.CENTRE_ADMIN:
        if listing == Listing.CENTRES:
            return Centre.id == g.centre_id
        if listing == Listing.STAFF:
            return StaffMember.centre_id == g.centre_id
    if g.role == Role.STAFF:
        # A staff member sees their own centre and their own membership, not their colleagues'.
        if listing == Listing.CENTRES:
            return Centre.id == g.centre_id
        if listing == Listing.STAFF:
            return StaffMember.account_id == actor.account_id
    if g.role == Role.TECHNOLOGY_MANAGER and listing == Listing.INSTITUTIONS:
        return Institution.id == inst  # the institution their invitation code bound them to
    if g.role == Role.EXPERT and listing == Listing.EXPERTS:
        return Expert.account_id == actor.account_id
    return None


def _official(code: str, listing: Listing) -> ColumnElement[bool]:
    if listing == Listing.INSTITUTIONS:
        return in_region(Institution.region_code, code)
    if listing == Listing.CENTRES:
        return in_region(Centre.region_code, code)
    if listing == Listing.STAFF:
        # Staff belong where their centre is, not where their institution is registered.
        return StaffMember.centre_id.in_(select(Centre.id).where(in_region(Centre.region_code, code)))
    if listing == Listing.EXPERTS:
        maintained_here = (
            select(ExpertLink.expert_id)
            .join(Institution, Institution.id == ExpertLink.institution_id)
            .where(in_region(Institution.region_code, code))
        )
        return Expert.id.in_(maintained_here)
    if listing == Listing.OFFICIALS:
        return in_region(Official.region_code, code)
    return in_region(Enterprise.region_code, code)
