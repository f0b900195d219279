"""Declare an indicator, or a new version of one: the platform's by the system admin, a region's by an official of
exactly that region, an institution's by its admin. A version, once written, never changes: an edit is the next
version, in force from now, so a report as of an earlier time still finds the one it used."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from handlers.errors import Forbidden
from handlers.forms.check import validate
from handlers.forms.declaration import Context
from handlers.indicators.form import INDICATOR
from handlers.indicators.views import IndicatorView, view
from handlers.organisation.actors import Actor, load_actor
from handlers.transactions import transact
from store.models.indicators import Indicator, IndicatorOwner
from store.models.organisation import Role
from store.transaction import Transaction
from store.uow import UnitOfWork


@dataclass(frozen=True)
class DeclareIndicator:
    actor_id: int
    owner: str
    key: str
    name: str
    formula: str
    weight: int
    per_100_staff: bool = False


async def declare_indicator(cmd: DeclareIndicator, uow: UnitOfWork) -> IndicatorView:
    values = {
        "owner": cmd.owner,
        "key": cmd.key,
        "name": cmd.name,
        "formula": cmd.formula,
        "weight": cmd.weight,
        "per_100_staff": cmd.per_100_staff,
    }
    clean = validate(INDICATOR, values, Context(uow.clock.now().date()))

    async def run(tx: Transaction) -> IndicatorView:
        actor = await load_actor(tx, cmd.actor_id)
        owner = IndicatorOwner(clean["owner"])
        code = owner_code(actor, owner)
        latest = await tx.session.scalar(
            select(func.max(Indicator.version)).where(
                Indicator.owner_kind == owner, Indicator.owner_code == code, Indicator.key == clean["key"]
            )
        )
        row = Indicator(
            owner_kind=owner,
            owner_code=code,
            key=clean["key"],
            version=(latest or 0) + 1,
            name=clean["name"],
            formula=clean["formula"],
            per_100_staff=bool(clean.get("per_100_staff")),
            weight=Decimal(clean["weight"]),
            retired=False,
            effective_at=tx.clock.now(),
            declared_by=actor.account_id,
        )
        tx.session.add(row)
        await tx.session.flush()
        tx.record(
            "indicator",
            row.id,
            "declared",
            actor=actor.label,
            data={"owner": f"{owner}:{code}", "key": row.key, "version": row.version, "formula": row.formula},
        )
        return view(row)

    # Two edits of one indicator at once: the second finds the first's version taken and tries again.
    return await transact(uow, run, clash="该指标正在被修改，请稍后重试")


def owner_code(actor: Actor, owner: IndicatorOwner) -> str:
    """Whose indicator the actor may declare: the system admin the platform's; an official their own region's (not
    a parent's, not a child's); an institution admin their institution's."""
    if owner is IndicatorOwner.PLATFORM:
        if actor.has(Role.SYSTEM_ADMIN):
            return ""
        raise Forbidden("只有系统管理员可以设置全平台指标")
    if owner is IndicatorOwner.REGION:
        regions = {g.region_code for g in actor.grants if g.role == Role.OFFICIAL and g.region_code}
        if len(regions) == 1:
            return regions.pop()
        raise Forbidden("只有科技管理人员可以设置本地区指标")
    institutions = actor.institutions(Role.INSTITUTION_ADMIN)
    if len(institutions) == 1:
        return str(institutions.pop())
    raise Forbidden("只有法人机构管理员可以设置本机构指标")
