"""The indicators that apply to a person's monitors at a time: the platform's, those of every region above and at
the person's (a province's evaluation system applies to its cities' and districts' monitors) and their
institution's. Where two owners declare one key, the narrower one's wins (institution, district, city, province,
platform), so a province re-weights a platform indicator by declaring the same key. Of each, the last version
effective at that time; a retired one is left out."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, select

from handlers.indicators.views import IndicatorView, view
from handlers.organisation.actors import Actor
from store.models.indicators import Indicator, IndicatorOwner
from store.models.organisation import Institution, Role
from store.transaction import Transaction

Owner = tuple[IndicatorOwner, str]


async def owners_of(tx: Transaction, actor: Actor) -> list[Owner]:
    """The owners whose indicators the actor's monitors use, broadest first."""
    regions = {g.region_code for g in actor.grants if g.role == Role.OFFICIAL and g.region_code}
    institutions = actor.institutions(Role.INSTITUTION_ADMIN)
    if institutions:
        rows = await tx.session.scalars(select(Institution.region_code).where(Institution.id.in_(institutions)))
        regions.update(code for code in rows if code)
    chain = sorted({up for code in regions for up in region_chain(code)}, key=_breadth)
    return [
        (IndicatorOwner.PLATFORM, ""),
        *((IndicatorOwner.REGION, code) for code in chain),
        *((IndicatorOwner.INSTITUTION, str(i)) for i in sorted(institutions)),
    ]


def region_chain(code: str) -> list[str]:
    """A GB/T 2260 code and the codes above it: 330106 → 330000, 330100, 330106."""
    return list(dict.fromkeys([code[:2] + "0000", code[:4] + "00", code]))


def _breadth(code: str) -> tuple[int, str]:
    return (0 if code.endswith("0000") else 1 if code.endswith("00") else 2, code)


async def in_force(tx: Transaction, owners: list[Owner], at: datetime) -> list[IndicatorView]:
    rows = await tx.session.scalars(
        select(Indicator)
        .where(
            or_(*(and_(Indicator.owner_kind == kind, Indicator.owner_code == code) for kind, code in owners)),
            Indicator.effective_at <= at,
        )
        .order_by(Indicator.version)
    )
    latest: dict[tuple[str, str, str], Indicator] = {}
    for row in rows:  # ordered by version: the last one seen is the one in force
        latest[(row.owner_kind, row.owner_code, row.key)] = row
    rank = {owner: i for i, owner in enumerate(owners)}
    chosen: dict[str, Indicator] = {}
    for row in sorted(latest.values(), key=lambda r: rank[(IndicatorOwner(r.owner_kind), r.owner_code)]):
        chosen[row.key] = row  # narrower owners come later and win
    return [view(r) for r in sorted(chosen.values(), key=lambda r: r.id) if not r.retired]
