"""Review chains as data: stages, each with the reviewer role, the region scope it draws reviewers from and its
time limit in working days (when to remind, whom to escalate to, whether its time counts at all)."""

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
    PLATFORM = "platform"  # the role's holders for the whole system (the system admins), wherever the subject is


@dataclass(frozen=True)
class Escalation:
    """Who hears of an overdue stage: the holders of `role` within `reach` of the subject (e.g. the city
    officials of the institution's region)."""

    role: Role
    reach: Reach
    # True: the reach is taken from the subject institution's region (the institution admin's overdue reviews go
    # to the city officials where the institution is), not from the subject's own region.
    from_institution: bool = False


@dataclass(frozen=True)
class Deadline:
    """A stage's time limit, counted in working days from the working day after its tasks open."""

    working_days: int
    # Working days before the due date the reviewers are reminded (0: no reminder).
    remind_before: int = 1
    escalate_to: Escalation | None = None
    # False for a stage whose time is excluded from the limits (an expert review): no due date at all.
    counts: bool = True

    def __post_init__(self) -> None:
        if self.working_days < 1 or not 0 <= self.remind_before < self.working_days + 1:
            raise ValueError("a stage's limit is at least one working day; reminders fall within it")


@dataclass(frozen=True)
class Stage:
    name: str  # shown on the card, e.g. 机构审核
    role: Role
    reach: Reach
    deadline: Deadline | None = None  # None: the stage has no time limit

    @property
    def limit(self) -> int | None:
        """Working days the stage's clock runs for; None when it has no clock."""
        return self.deadline.working_days if self.deadline is not None and self.deadline.counts else None


@dataclass(frozen=True)
class Chain:
    name: str  # stable id stored on each review
    label: str  # shown on the card, e.g. 需求审核
    stages: tuple[Stage, ...]

    def stage(self, index: int) -> Stage:
        return self.stages[index]

    def is_last(self, index: int) -> bool:
        return index == len(self.stages) - 1


DEMAND_REVIEW_DAYS = 3  # the default; KEZHUAN_REVIEWS__DEMAND_REVIEW_DAYS sets it (bot.bootstrap)


def demand_review(days: int = DEMAND_REVIEW_DAYS) -> Chain:
    """The institution admin reviews; overdue, the city officials of the demand's region hear of it."""
    return Chain(
        "demand",
        "需求审核",
        (
            Stage(
                "机构审核",
                Role.INSTITUTION_ADMIN,
                Reach.INSTITUTION,
                Deadline(
                    days, remind_before=1, escalate_to=Escalation(Role.OFFICIAL, Reach.CITY, from_institution=True)
                ),
            ),
        ),
    )


DEMAND_REVIEW = demand_review()

CHAINS: dict[str, Chain] = {}


def register_chain(chain: Chain) -> Chain:
    """Declaring a chain is all it takes; the engine has no per-chain code."""
    if not chain.stages:
        raise ValueError(f"chain {chain.name} has no stages")
    CHAINS[chain.name] = chain
    return chain


register_chain(DEMAND_REVIEW)
