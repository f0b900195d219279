"""Review chains as data: stages, each with the reviewer role and the region scope it draws reviewers from."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from store.models.organisation import Role


class Reach(StrEnum):
    """Where a stage finds its reviewers, relative to the subject."""

    INSTITUTION = "institution"  # the subject's institution (its admins)
    PROVINCE = "province"  # officials of the subject region's province, city or district
    CITY = "city"
    DISTRICT = "district"


@dataclass(frozen=True)
class Stage:
    name: str  # shown on the card, e.g. 机构审核
    role: Role
    reach: Reach


@dataclass(frozen=True)
class Chain:
    name: str  # stable id stored on each review
    label: str  # shown on the card, e.g. 需求审核
    stages: tuple[Stage, ...]

    def stage(self, index: int) -> Stage:
        return self.stages[index]

    def is_last(self, index: int) -> bool:
        return index == len(self.stages) - 1


DEMAND_REVIEW = Chain("demand", "需求审核", (Stage("机构审核", Role.INSTITUTION_ADMIN, Reach.INSTITUTION),))

CHAINS: dict[str, Chain] = {}


def register_chain(chain: Chain) -> Chain:
    """Declaring a chain is all it takes; the engine has no per-chain code."""
    if not chain.stages:
        raise ValueError(f"chain {chain.name} has no stages")
    CHAINS[chain.name] = chain
    return chain


register_chain(DEMAND_REVIEW)
