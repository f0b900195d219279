"""The explainable score of an expert for a demand: research-field overlap, text match, same region.

Pure. Each part that counts becomes a Chinese reason, stored with the push. A field match weighs more than
the best possible text match, so an expert in the demand's field ranks above one who only uses its words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from handlers.expert_push.text_match import bm25_scores, shared_words, tokens

FIELD_WEIGHT = 3.0  # per demand field the expert works in
TEXT_WEIGHT = 2.0  # the best text match among the candidates; the others in proportion
REGION_WEIGHT = 1.0
CITY_PREFIX = 4  # GB/T 2260: the first four digits name the city


@dataclass(frozen=True)
class DemandText:
    tech_fields: tuple[str, ...]
    region_code: str
    text: str  # title and description


@dataclass(frozen=True)
class ExpertText:
    expert_id: int
    research_fields: tuple[str, ...]
    region_code: str | None
    text: str  # introduction, research results, technical solutions, employer


@dataclass(frozen=True)
class Ranked:
    expert_id: int
    score: float
    reasons: tuple[str, ...]


def overlaps(a: str, b: str) -> bool:
    """Taxonomy codes overlap when one lies in the other's subtree (a code prefix)."""
    return a.startswith(b) or b.startswith(a)


def _fields(demand: DemandText, expert: ExpertText, name_of: Callable[[str], str]) -> list[str]:
    """For each demand field the expert works in: the more specific of the two codes' names."""
    names: list[str] = []
    for d in demand.tech_fields:
        matches = [e for e in expert.research_fields if overlaps(d, e)]
        if matches:
            names.append(name_of(max([d, *matches], key=len)))
    return list(dict.fromkeys(names))


def same_region(demand_region: str, expert_region: str | None) -> bool:
    return bool(expert_region) and demand_region[:CITY_PREFIX] == (expert_region or "")[:CITY_PREFIX]


def rank(demand: DemandText, experts: Sequence[ExpertText], name_of: Callable[[str], str]) -> list[Ranked]:
    """Best first; equal scores in expert order (the earlier added first)."""
    query = tokens(demand.text)
    documents = [tokens(e.text) for e in experts]
    text_scores = bm25_scores(query, documents)
    best = max(text_scores, default=0.0)
    ranked: list[Ranked] = []
    for expert, document, text_score in zip(experts, documents, text_scores, strict=True):
        score = 0.0
        reasons: list[str] = []
        if fields := _fields(demand, expert, name_of):
            score += FIELD_WEIGHT * len(fields)
            reasons.append(f"研究领域匹配：{'、'.join(fields)}")
        if best > 0 and text_score > 0 and (words := shared_words(query, document)):
            score += TEXT_WEIGHT * text_score / best
            reasons.append(f"关键词：{'、'.join(words)}")
        if same_region(demand.region_code, expert.region_code):
            score += REGION_WEIGHT
            reasons.append("同一地区")
        ranked.append(Ranked(expert.expert_id, round(score, 2), tuple(reasons)))
    return sorted(ranked, key=lambda r: (-r.score, r.expert_id))
