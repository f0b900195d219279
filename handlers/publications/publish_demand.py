"""The institution admin publishes a demand in docking to all institutions or chosen ones, with the fee ratio the
accepting institution commits to (seed 004 §四.6). The demand becomes 已公开 until withdrawn or accepted."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from handlers.demands.policy import DemandPolicy
from handlers.demands.states import Step, next_status
from handlers.demands.timeline import step
from handlers.errors import InvalidInput
from handlers.forms.check import FieldError, check, refuse
from handlers.forms.declaration import Context
from handlers.organisation.actors import load_actor
from handlers.publications.form import PUBLICATION
from handlers.publications.letter import CURRENT_VERSION, percent
from handlers.publications.publisher import publishers_demand
from store.models.organisation import Institution
from store.models.publications import (
    DemandPublication,
    DemandPublicationTarget,
    PublicationAudience,
    PublicationStatus,
)
from store.uow import UnitOfWork


@dataclass(frozen=True)
class PublishDemand:
    actor_id: int
    demand_id: int
    audience: str
    fee_ratio_bp: int
    institution_ids: tuple[int, ...] = field(default=())


@dataclass(frozen=True)
class DemandPublished:
    publication_id: int
    demand_id: int


def _check(cmd: PublishDemand, policy: DemandPolicy, today: date) -> tuple[PublicationAudience, tuple[int, ...]]:
    """The form's rules and the platform's floor, every error at once."""
    values = {"audience": cmd.audience, "institution_ids": cmd.institution_ids, "fee_ratio_bp": cmd.fee_ratio_bp}
    clean, errors = check(PUBLICATION, values, Context(today))
    if cmd.fee_ratio_bp < policy.fee_floor_bp:
        message = f"中介服务费比例不能低于{percent(policy.fee_floor_bp)}"
        errors.append(FieldError("fee_ratio_bp", "fee_ratio_too_low", message))
    if errors:
        raise refuse(PUBLICATION, errors)
    return PublicationAudience(clean["audience"]), clean["institution_ids"]


async def publish_demand(cmd: PublishDemand, uow: UnitOfWork, policy: DemandPolicy) -> DemandPublished:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        demand = await publishers_demand(uow, actor, cmd.demand_id, "只有需求所属机构的法人机构管理员可以公开需求")
        audience, targets = _check(cmd, policy, uow.clock.now().date())
        if demand.institution_id in targets:
            raise InvalidInput("不能向本机构公开需求", code="own_institution_target")
        known = set(await uow.session.scalars(select(Institution.id).where(Institution.id.in_(targets))))
        if unknown := [i for i in targets if i not in known]:
            raise InvalidInput(f"未找到机构 {unknown[0]}", code="unknown_target")
        before = demand.status
        demand.status = next_status(Step.PUBLISH, before)
        now = uow.clock.now()
        assert demand.institution_id is not None  # a docking demand belongs to an institution
        publication = DemandPublication(
            demand_id=demand.id,
            publisher_institution_id=demand.institution_id,
            audience=audience,
            fee_ratio_bp=cmd.fee_ratio_bp,
            status=PublicationStatus.OPEN,
            letter_version=CURRENT_VERSION,
            published_by=actor.account_id,
            published_at=now,
        )
        uow.session.add(publication)
        await uow.session.flush()
        uow.session.add_all([DemandPublicationTarget(publication_id=publication.id, institution_id=i) for i in targets])
        demand.updated_at = now
        scope = "全公开" if audience == PublicationAudience.ALL else f"指定{len(targets)}家机构"
        await step(
            uow,
            demand,
            Step.PUBLISH,
            before,
            actor=actor.label,
            note=f"{scope}，中介服务费比例{percent(cmd.fee_ratio_bp)}",
            data={
                "publication_id": publication.id,
                "audience": audience,
                "fee_ratio_bp": cmd.fee_ratio_bp,
                "institution_ids": list(targets),
                "letter_version": CURRENT_VERSION,
            },
        )
        await uow.commit()
        return DemandPublished(publication.id, demand.id)
