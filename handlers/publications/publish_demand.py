"""The institution admin publishes a demand in docking to all institutions or chosen ones, with the fee ratio the
accepting institution commits to (seed 004 §四.6). The demand becomes 已公开 until withdrawn or accepted."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from handlers.demands.policy import DemandPolicy
from handlers.demands.states import Step, next_status
from handlers.demands.timeline import step
from handlers.errors import InvalidInput
from handlers.organisation.actors import load_actor
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

TARGETS_MAX = 50


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


def _check(cmd: PublishDemand, policy: DemandPolicy) -> tuple[PublicationAudience, tuple[int, ...]]:
    if cmd.audience not in {a.value for a in PublicationAudience}:
        raise InvalidInput("公开范围只能是全公开或指定机构公开", code="invalid_audience")
    if cmd.fee_ratio_bp < policy.fee_floor_bp:
        raise InvalidInput(f"中介服务费比例不能低于{percent(policy.fee_floor_bp)}", code="fee_ratio_too_low")
    if cmd.fee_ratio_bp > 10_000:
        raise InvalidInput("中介服务费比例不能超过100%", code="fee_ratio_too_high")
    targets = tuple(dict.fromkeys(cmd.institution_ids))
    audience = PublicationAudience(cmd.audience)
    if audience == PublicationAudience.ALL and targets:
        raise InvalidInput("全公开时不能指定机构", code="targets_not_allowed")
    if audience == PublicationAudience.CHOSEN and not targets:
        raise InvalidInput("指定机构公开时请至少选择一家机构", code="missing_targets")
    if len(targets) > TARGETS_MAX:
        raise InvalidInput(f"最多指定{TARGETS_MAX}家机构", code="too_many_targets")
    return audience, targets


async def publish_demand(cmd: PublishDemand, uow: UnitOfWork, policy: DemandPolicy) -> DemandPublished:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        demand = await publishers_demand(uow, actor, cmd.demand_id, "只有需求所属机构的法人机构管理员可以公开需求")
        audience, targets = _check(cmd, policy)
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
