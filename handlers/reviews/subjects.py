"""What a decided review does to its subject: each subject type supplies its hooks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from store.models.demands import Review
from store.uow import UnitOfWork


@dataclass(frozen=True)
class Decider:
    account_id: int
    name: str

    @property
    def label(self) -> str:
        return f"account:{self.account_id}"


class SubjectHooks(Protocol):
    async def approved(self, uow: UnitOfWork, review: Review, by: Decider) -> None: ...

    async def rejected(self, uow: UnitOfWork, review: Review, by: Decider, reason: str) -> None: ...

    async def returned(self, uow: UnitOfWork, review: Review, by: Decider, reason: str) -> None: ...


def default_subjects() -> dict[str, SubjectHooks]:
    from handlers.demands.review_hooks import DemandReviewHooks  # the demand flow depends on the engine

    return {"demand": DemandReviewHooks()}
