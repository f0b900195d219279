"""The pusher's ranked list of experts a push can reach (seed 004 §五.4): maintained by the demand's
institution, bound to the mini-program and following the official account; filtered by research field,
scope (region) and employer; each score explained by its reasons."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import InvalidInput
from handlers.expert_push.candidates import Candidate, maintained_experts
from handlers.expert_push.demand_text import demand_text, pushable_demand
from handlers.expert_push.policy import ExpertPushPolicy
from handlers.expert_push.ranking import rank
from handlers.organisation.actors import load_actor
from handlers.reference.regions import Regions
from handlers.reference.tech_fields import TechFields
from store.uow import UnitOfWork

EMPLOYER_FILTER_MAX = 128


@dataclass(frozen=True)
class SuggestExperts:
    actor_id: int
    demand_id: int
    field: str | None = None  # a taxonomy code: experts in it or below it
    region: str | None = None  # a region code: experts working within it
    employer: str | None = None  # part of the expert's employer's name


@dataclass(frozen=True)
class ExpertSuggestion:
    expert_id: int
    name: str
    title: str
    employer: str
    research_fields: list[str]
    region_code: str | None
    score: float
    reasons: list[str]


@dataclass(frozen=True)
class _Filters:
    field: str | None
    region_prefix: str | None
    employer: str | None

    def keep(self, c: Candidate) -> bool:
        if self.field and not any(f.startswith(self.field) for f in c.profile.research_fields):
            return False
        if self.region_prefix and not (c.profile.region_code or "").startswith(self.region_prefix):
            return False
        return not self.employer or self.employer.lower() in c.employer.lower()


def _filters(cmd: SuggestExperts) -> _Filters:
    field = (cmd.field or "").strip() or None
    if field is not None and not TechFields.load().exists(field):
        raise InvalidInput("技术领域代码无效", code="invalid_tech_field")
    region = (cmd.region or "").strip() or None
    prefix = None
    if region is not None:
        regions = Regions.load()
        if not regions.exists(region):
            raise InvalidInput("行政区划代码无效", code="invalid_region")
        prefix = regions.scope_prefix(region)
    employer = (cmd.employer or "").strip() or None
    if employer is not None and len(employer) > EMPLOYER_FILTER_MAX:
        raise InvalidInput(f"工作单位最多{EMPLOYER_FILTER_MAX}个字", code="invalid_field")
    return _Filters(field, prefix, employer)


async def suggest_experts(cmd: SuggestExperts, uow: UnitOfWork, policy: ExpertPushPolicy) -> list[ExpertSuggestion]:
    filters = _filters(cmd)
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        demand = await pushable_demand(uow, actor, cmd.demand_id)
        assert demand.institution_id is not None  # a demand in docking belongs to an institution
        candidates = [c for c in await maintained_experts(uow, demand.institution_id, policy.app_id) if c.reachable]
        text = demand_text(demand)
    # Ranked among all reachable experts, so a filter narrows the list without changing anyone's score.
    ranked = rank(text, [c.profile for c in candidates], TechFields.load().name_of)
    by_id = {c.profile.expert_id: c for c in candidates}
    return [
        ExpertSuggestion(
            r.expert_id,
            c.name,
            c.title,
            c.employer,
            list(c.profile.research_fields),
            c.profile.region_code,
            r.score,
            list(r.reasons),
        )
        for r in ranked
        if filters.keep(c := by_id[r.expert_id])
    ]
