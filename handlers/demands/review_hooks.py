"""What the demand chain's final decision does to the demand."""

from __future__ import annotations

from functools import partial

from sqlalchemy import bindparam, update

from handlers.demands.access import locked
from handlers.demands.notify_enterprise import notify_enterprise
from handlers.demands.policy import DemandPolicy
from handlers.demands.scope import sees_demand
from handlers.demands.states import Step, next_status
from handlers.demands.timeline import step
from handlers.organisation.actors import load_actor
from handlers.points.record_point_event import PointFact, record_point_event
from handlers.reviews.subjects import Decider
from store.models.demands import Demand, DemandStatus, Review
from store.models.points import PointEventKind
from store.transaction import Transaction

# Built once: a decision moves its demand on the card's ack path.
_MOVE = (
    update(Demand)
    .where(Demand.id == bindparam("demand_id"), Demand.status == bindparam("before"))
    .values(status=bindparam("after"), updated_at=bindparam("at"))
    .returning(Demand)
)


class DemandReviewHooks:
    def __init__(self, policy: DemandPolicy) -> None:
        self.policy = policy

    async def seen_by(self, uow: Transaction, review: Review, account_id: int) -> bool:
        return await sees_demand(uow, await load_actor(uow, account_id), review.subject_id)

    async def approved(self, uow: Transaction, review: Review, by: Decider) -> None:
        demand = await self._move(uow, review, Step.APPROVE, by, "")
        await notify_enterprise(uow, demand, "已通过审核，进入对接", self.policy)
        # At the commit, after all else (the card's answer included): it locks the staff member's points chain
        # until the commit, which serialises that person's approvals; the less of the transaction follows it,
        # the shorter the wait of the next one.
        if demand.staff_account_id is not None:  # +2 to the submitting staff member under the current rules
            uow.at_commit(
                partial(
                    record_point_event,
                    uow,
                    PointFact(PointEventKind.DEMAND_APPROVED, demand.staff_account_id, demand_id=demand.id),
                )
            )

    async def rejected(self, uow: Transaction, review: Review, by: Decider, reason: str) -> None:
        await self._move(uow, review, Step.REJECT, by, reason)

    async def returned(self, uow: Transaction, review: Review, by: Decider, reason: str) -> None:
        await self._move(uow, review, Step.RETURN, by, reason)

    async def _move(self, uow: Transaction, review: Review, action: Step, by: Decider, reason: str) -> Demand:
        # A decided review moves its demand out of 待审核: one conditional UPDATE, which also takes the row lock.
        before = DemandStatus.PENDING_REVIEW
        demand = await uow.session.scalar(
            _MOVE,
            {
                "demand_id": review.subject_id,
                "before": before,
                "after": next_status(action, before),
                "at": uow.clock.now(),
            },
            execution_options={"populate_existing": True},
        )
        if demand is None:  # not under review (or gone): the usual lock and check say why
            demand = await locked(uow, review.subject_id)
            before = demand.status
            demand.status = next_status(action, before)
            demand.updated_at = uow.clock.now()
        await step(
            uow, demand, action, before, actor=by.label, actor_name=by.name, note=reason, data={"review_id": review.id}
        )
        return demand
