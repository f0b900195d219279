"""The rule sets, declared as data. A new version is a new entry here: events recorded from then on are
scored by it, and `kezhuan points rebuild --version N` re-scores the whole log; older entries are never
rewritten in place."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from handlers.errors import InvalidInput
from store.models.points import PointEventKind as Kind


@dataclass(frozen=True)
class RuleSet:
    version: int
    # Points an event of the kind earns.
    points: Mapping[Kind, int]
    # The event fields whose values earn at most once: a repeat earns nothing.
    once_per: Mapping[Kind, tuple[str, ...]] = field(default_factory=dict)
    # A kind that withdraws what an earlier event earned, matched on a shared field (the push id): the
    # compensation is a new negative entry, and a withdrawn-before-earned event earns nothing.
    compensates: Mapping[Kind, tuple[Kind, str]] = field(default_factory=dict)


# Seed 004 §七: submitting a demand that passes review 2, each expert push 1, a successful project 5.
V1 = RuleSet(
    version=1,
    points={Kind.DEMAND_APPROVED: 2, Kind.EXPERT_PUSH_ACCEPTED: 1, Kind.PROJECT_REGISTERED: 5},
    once_per={Kind.EXPERT_PUSH_ACCEPTED: ("demand_id", "expert_id")},
    compensates={Kind.EXPERT_PUSH_BLOCKED: (Kind.EXPERT_PUSH_ACCEPTED, "push_id")},
)

RULE_SETS: Mapping[int, RuleSet] = {V1.version: V1}


def current(rule_sets: Mapping[int, RuleSet] = RULE_SETS) -> RuleSet:
    return rule_sets[max(rule_sets)]


def chosen(version: int | None, rule_sets: Mapping[int, RuleSet] = RULE_SETS) -> RuleSet:
    if version is None:
        return current(rule_sets)
    if version not in rule_sets:
        raise InvalidInput(f"没有第{version}版积分规则", code="unknown_rule_set")
    return rule_sets[version]
