"""What docking and its cancellation share: the result, the expert's row, the card sent to the staff member."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from cards.expert_docking import DOCKING_CARD, DockingCardView, docking_card, handed_over_update
from cards.outbound import CardCreate, CardUpdate
from handlers.errors import Conflict, DomainError, NotFound
from handlers.expert_channel.access import is_visible
from handlers.reviews.reviewers import userid_of
from store.models.demands import Demand
from store.models.expert_pages import DockingStatus, ExpertDocking
from store.models.organisation import Account
from store.models.organisation_people import Expert
from store.transaction import Transaction
from store.uow import UnitOfWork


@dataclass(frozen=True)
class DockingView:
    docking_id: int
    demand_id: int
    status: str
    docked_at: datetime
    cancelled_at: datetime | None


def docking_view(row: ExpertDocking) -> DockingView:
    return DockingView(row.id, row.demand_id, row.status, row.docked_at, row.cancelled_at)


async def own_docking(uow: UnitOfWork, expert_id: int, demand_id: int) -> ExpertDocking | None:
    return await uow.session.scalar(
        select(ExpertDocking)
        .where(ExpertDocking.expert_id == expert_id, ExpertDocking.demand_id == demand_id)
        .with_for_update()
    )


async def not_docked(uow: UnitOfWork, expert_id: int, demand_id: int) -> DomainError:
    """A demand the expert sees but has not docked is a conflict; one they do not see is not found."""
    if await is_visible(uow, expert_id, demand_id):
        return Conflict("您尚未对接该需求", code="not_docked")
    return NotFound("未找到该需求")


async def expert_name(uow: UnitOfWork, expert: Expert) -> str:
    return await uow.session.scalar(select(Account.name).where(Account.id == expert.account_id)) or "专家"


async def send_card(uow: Transaction, row: ExpertDocking, demand: Demand, expert: Expert, key: str = "") -> None:
    """A fresh card for this round to the docking staff member, if they have DingTalk. `key` tells apart the
    cards of one round that a handover sends (DingTalk wants a new outTrackId for each card)."""
    row.card_out_track_id = row.card_userid = None
    if demand.staff_account_id is None or (userid := await userid_of(uow, demand.staff_account_id)) is None:
        return
    account = await uow.session.get(Account, expert.account_id)
    assert account is not None
    view = DockingCardView(
        row.id,
        row.rounds,
        demand.number,
        demand.title,
        account.name,
        expert.title,
        expert.employer,
        account.mobile,
        expert.introduction,
    )
    row.card_out_track_id, row.card_userid = f"expert-docking-{row.id}-{row.rounds}{key}", userid
    await uow.send(
        CardCreate(
            recipient=userid,
            out_track_id=row.card_out_track_id,
            template_id=DOCKING_CARD.id,
            card_data=docking_card(view),
            source=f"expert_docking:{row.id}",
        )
    )


async def deliver_waiting_dockings(uow: Transaction, account_id: int) -> int:
    """The staff member has just been bound to DingTalk: each expert still waiting for their call on a demand
    they dock, whose card could not go while they were not there, gets it now. Returns how many."""
    rows = (
        await uow.session.execute(
            select(ExpertDocking, Demand, Expert)
            .join(Demand, Demand.id == ExpertDocking.demand_id)
            .join(Expert, Expert.id == ExpertDocking.expert_id)
            .where(
                Demand.staff_account_id == account_id,
                ExpertDocking.status == DockingStatus.DOCKED,
                ExpertDocking.communicated_at.is_(None),
                ExpertDocking.card_userid.is_(None),
            )
            .order_by(ExpertDocking.id)
            .with_for_update(of=ExpertDocking)
        )
    ).all()
    for row, demand, expert in rows:
        await send_card(uow, row, demand, expert)
    return len(rows)


async def hand_over_cards(uow: UnitOfWork, demand: Demand, to_name: str) -> None:
    """The experts still waiting for a call move with the demand to its new docking staff member: the former
    one's card says who took over and loses its buttons, and the new one gets a card of their own."""
    waiting = (
        await uow.session.scalars(
            select(ExpertDocking)
            .where(
                ExpertDocking.demand_id == demand.id,
                ExpertDocking.status == DockingStatus.DOCKED,
                ExpertDocking.communicated_at.is_(None),
            )
            .order_by(ExpertDocking.id)
            .with_for_update()
        )
    ).all()
    stamp = f"-h{int(uow.clock.now().timestamp() * 1000)}"
    for row in waiting:
        if row.card_out_track_id is not None and row.card_userid is not None:
            await uow.send(
                CardUpdate(
                    recipient=row.card_userid,
                    out_track_id=row.card_out_track_id,
                    card_data=handed_over_update(to_name),
                    source=f"expert_docking:{row.id}",
                )
            )
        expert = await uow.session.get(Expert, row.expert_id)
        assert expert is not None
        await send_card(uow, row, demand, expert, key=stamp)
