"""What the demand chain's final decision does to the demand."""

from __future__ import annotations

from handlers.demands.access import locked
from handlers.demands.notify_enterprise import notify_enterprise
from handlers.demands.policy import DEFAULT_POLICY, DemandPolicy
from handlers.demands.states import Step, next_status
from handlers.demands.timeline import step
from handlers.points.record_point_event import PointFact, record_point_event
from handlers.reviews.subjects import Decider
from store.models.demands import Demand, Review
from store.models.points import PointEventKind
from store.uow import UnitOfWork


class DemandReviewHooks:
    def __init__(self, policy: DemandPolicy = DEFAULT_POLICY) -> None:
        self.policy = policy

    async def approved(self, uow: UnitOfWork, review: Review, by: Decider) -> None:
        demand = await self._move(uow, review, Step.APPROVE, by, "")
        if demand.staff_account_id is not None:  # +2 to the submitting staff member under the current rules
            await record_point_event(uow, PointFact(PointEventKind.DEMAND_APPROVED, demand.staff_account_id,
                                                    demand_id=demand.id))
        await notify_enterprise(uow, demand, "已通过审核，进入对接", self.policy)

    async def rejected(self, uow: UnitOfWork, review: Review, by: Decider, reason: str) -> None:
        await self._move(uow, review, Step.REJECT, by, reason)

    async def returned(self, uow: UnitOfWork, review: Review, by: Decider, reason: str) -> None:
        await self._move(uow, review, Step.RETURN, by, reason)

    async def _move(self, uow: UnitOfWork, review: Review, action: Step, by: Decider, reason: str) -> Demand:
        demand = await locked(uow, review.subject_id)
        before = demand.status
        demand.status = next_status(action, before)
        demand.updated_at = uow.clock.now()
        await step(uow, demand, action, before, actor=by.label, actor_name=by.name, note=reason,
                   data={"review_id": review.id})
        return demand


