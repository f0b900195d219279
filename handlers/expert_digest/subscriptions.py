"""需求订阅: an expert's subscribed technical fields, up to five at any level (a field covers its subtree)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from handlers.errors import InvalidInput
from handlers.expert_digest.experts import expert_of
from handlers.expert_digest.policy import MAX_SUBSCRIPTIONS
from handlers.reference.tech_fields import TechFields
from store.models.expert_digest import ExpertSubscription
from store.uow import UnitOfWork


@dataclass(frozen=True)
class SubscribedField:
    code: str
    name: str
    path: str  # 电子信息 › 软件


@dataclass(frozen=True)
class Subscriptions:
    fields: list[SubscribedField]
    max_fields: int


@dataclass(frozen=True)
class ShowSubscriptions:
    actor_id: int


@dataclass(frozen=True)
class ReplaceSubscriptions:
    actor_id: int
    field_codes: tuple[str, ...]  # the whole new set; empty unsubscribes from everything


def _view(codes: list[str], taxonomy: TechFields) -> Subscriptions:
    fields = [SubscribedField(c, taxonomy.name_of(c), taxonomy.path(c)) for c in sorted(codes)]
    return Subscriptions(fields, MAX_SUBSCRIPTIONS)


async def _codes(uow: UnitOfWork, expert_id: int) -> list[str]:
    return list(
        await uow.session.scalars(
            select(ExpertSubscription.field_code).where(ExpertSubscription.expert_id == expert_id)
        )
    )


async def show_subscriptions(cmd: ShowSubscriptions, uow: UnitOfWork) -> Subscriptions:
    async with uow:
        expert = await expert_of(uow, cmd.actor_id)
        return _view(await _codes(uow, expert.id), TechFields.load())


def checked_codes(field_codes: tuple[str, ...], taxonomy: TechFields) -> list[str]:
    """Distinct known codes in the order given; a repeated code counts once."""
    codes = list(dict.fromkeys(field_codes))
    if len(codes) > MAX_SUBSCRIPTIONS:
        raise InvalidInput(f"最多订阅 {MAX_SUBSCRIPTIONS} 个领域", code="too_many_subscriptions")
    for code in codes:
        if not taxonomy.exists(code):
            raise InvalidInput(f"未知的技术领域：{code}"[:60], code="unknown_tech_field")
    return codes


async def replace_subscriptions(cmd: ReplaceSubscriptions, uow: UnitOfWork) -> Subscriptions:
    taxonomy = TechFields.load()
    codes = checked_codes(cmd.field_codes, taxonomy)
    async with uow:
        expert = await expert_of(uow, cmd.actor_id, lock=True)  # the lock orders concurrent saves
        before = set(await _codes(uow, expert.id))
        now = uow.clock.now()
        if removed := before - set(codes):
            await uow.session.execute(
                delete(ExpertSubscription).where(
                    ExpertSubscription.expert_id == expert.id, ExpertSubscription.field_code.in_(removed)
                )
            )
        uow.session.add_all(
            ExpertSubscription(expert_id=expert.id, field_code=c, created_at=now) for c in codes if c not in before
        )
        if before != set(codes):
            uow.record(
                "expert",
                expert.id,
                "subscriptions_changed",
                actor=f"account:{cmd.actor_id}",
                data={"fields": sorted(codes)},
            )
        await uow.commit()
        return _view(codes, taxonomy)
