"""联系技术经纪人: the docking staff member's name and mobile, shown to an expert who has docked the demand."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.errors import NotFound
from handlers.expert_channel.access import require_expert
from handlers.expert_channel.dockings import not_docked
from store.models.demands import Demand
from store.models.expert_pages import DockingStatus, ExpertDocking
from store.models.organisation import Account
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ContactBroker:
    actor_id: int
    demand_id: int


@dataclass(frozen=True)
class BrokerContact:
    name: str
    mobile: str


async def contact_broker(cmd: ContactBroker, uow: UnitOfWork) -> BrokerContact:
    async with uow:
        expert = await require_expert(uow, cmd.actor_id)
        staff = (
            await uow.session.execute(
                select(Demand.staff_account_id)
                .join(ExpertDocking, ExpertDocking.demand_id == Demand.id)
                .where(
                    Demand.id == cmd.demand_id,
                    ExpertDocking.expert_id == expert.id,
                    ExpertDocking.status == DockingStatus.DOCKED,
                )
            )
        ).first()
        if staff is None:
            raise await not_docked(uow, expert.id, cmd.demand_id)
        account = await uow.session.get(Account, staff[0]) if staff[0] is not None else None
        if account is None:
            raise NotFound("该需求暂无对接的技术经纪人", code="no_broker")
        return BrokerContact(account.name, account.mobile)
