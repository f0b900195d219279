"""The docking staff member (or the centre's admin) pushes a demand to chosen experts: one push row and one
template message per expert, in one transaction with a timeline step. Pushing the same expert again sends
again; the point for a (demand, expert) is earned once, when WeChat first accepts a send."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select

from cards.expert_push import push_template
from cards.outbound import ExpertPushTemplate
from handlers.demands.states import Step
from handlers.demands.timeline import step
from handlers.errors import Conflict, InvalidInput, NotFound
from handlers.expert_push.candidates import Candidate, maintained_experts
from handlers.expert_push.demand_text import demand_text, pushable_demand
from handlers.expert_push.policy import ExpertPushPolicy
from handlers.expert_push.ranking import rank
from handlers.organisation.actors import load_actor
from handlers.reference.tech_fields import TechFields
from store.models.demands import Demand
from store.models.expert_pushes import ExpertPush, ExpertPushStatus
from store.models.organisation import Institution
from store.uow import UnitOfWork


@dataclass(frozen=True)
class PushExperts:
    actor_id: int
    demand_id: int
    expert_ids: tuple[int, ...]


@dataclass(frozen=True)
class PushedExpert:
    push_id: int
    expert_id: int
    name: str
    score: float
    reasons: list[str]
    repeat: bool  # pushed this demand before: sent again, earns no second point


@dataclass(frozen=True)
class ExpertsPushed:
    batch: str
    items: list[PushedExpert]


def _expert_ids(ids: tuple[int, ...], limit: int) -> list[int]:
    chosen = list(dict.fromkeys(ids))
    if not chosen:
        raise InvalidInput("请选择要推送的专家", code="expert_ids_required")
    if len(chosen) > limit:
        raise InvalidInput(f"一次最多推送{limit}位专家", code="too_many_experts")
    return chosen


def _require_reachable(candidate: Candidate | None) -> Candidate:
    if candidate is None:  # another institution's expert, or none at all: the same answer
        raise NotFound("未找到该专家", code="expert_not_found")
    if candidate.openid is None or not candidate.following or not candidate.active:
        raise Conflict(f"该专家未关注公众号，无法推送（{candidate.name}）", code="expert_not_following")
    if not candidate.bound:
        raise Conflict(f"该专家尚未绑定小程序，无法推送（{candidate.name}）", code="expert_not_bound")
    return candidate


async def push_experts(cmd: PushExperts, uow: UnitOfWork, policy: ExpertPushPolicy) -> ExpertsPushed:
    chosen = _expert_ids(cmd.expert_ids, policy.batch_limit)
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        demand = await pushable_demand(uow, actor, cmd.demand_id)
        assert demand.institution_id is not None  # a demand in docking belongs to an institution
        # Every reachable expert takes part in the ranking, so a score reads the same as in the suggestions.
        candidates = await maintained_experts(uow, demand.institution_id, policy.app_id)
        by_id = {c.profile.expert_id: c for c in candidates}
        targets = [_require_reachable(by_id.get(expert_id)) for expert_id in chosen]
        reachable = [c.profile for c in candidates if c.reachable]
        scores = {r.expert_id: r for r in rank(demand_text(demand), reachable, TechFields.load().name_of)}
        pushed_before = set(
            await uow.session.scalars(
                select(ExpertPush.expert_id).where(ExpertPush.demand_id == demand.id, ExpertPush.expert_id.in_(chosen))
            )
        )
        payload = await _payload(uow, demand, policy)
        now = uow.clock.now()
        batch = uuid.uuid4().hex
        items: list[PushedExpert] = []
        for target in targets:
            ranked = scores[target.profile.expert_id]
            assert target.openid is not None
            push = ExpertPush(
                batch=batch,
                demand_id=demand.id,
                expert_id=ranked.expert_id,
                pushed_by=actor.account_id,
                openid=target.openid,
                score=ranked.score,
                reasons=list(ranked.reasons),
                status=ExpertPushStatus.SENDING,
                created_at=now,
                updated_at=now,
            )
            uow.session.add(push)
            await uow.session.flush()
            # The push id is the WeChat client_msg_id: a resend after a lost answer is dropped by the platform.
            push.outbox_message_id = await uow.send(
                ExpertPushTemplate.of(
                    payload,
                    recipient=target.openid,
                    client_msg_id=f"expert_push:{push.id}",
                    source=f"expert_push:{push.id}",
                )
            )
            items.append(
                PushedExpert(
                    push.id,
                    ranked.expert_id,
                    target.name,
                    ranked.score,
                    list(ranked.reasons),
                    repeat=ranked.expert_id in pushed_before,
                )
            )
        await step(
            uow,
            demand,
            Step.PUSH_EXPERTS,
            demand.status,
            actor=actor.label,
            note=f"推送给专家：{'、'.join(t.name for t in targets)}",
            data={"batch": batch, "expert_ids": chosen, "push_ids": [i.push_id for i in items]},
        )
        await uow.commit()
    return ExpertsPushed(batch, items)


async def _payload(uow: UnitOfWork, demand: Demand, policy: ExpertPushPolicy) -> dict[str, object]:
    institution = await uow.session.scalar(select(Institution.name).where(Institution.id == demand.institution_id))
    taxonomy = TechFields.load()
    fields = [taxonomy.name_of(code) for code in demand.tech_fields or () if taxonomy.exists(code)]
    return push_template(
        template_id=policy.template_id,
        mini_app_id=policy.mini_app_id,
        page_path=policy.page_path(demand.id),
        demand_title=demand.title,
        field_name="、".join(fields),
        institution_name=institution or "",
        pushed_at=uow.clock.now().astimezone(ZoneInfo(policy.timezone)),
    )
