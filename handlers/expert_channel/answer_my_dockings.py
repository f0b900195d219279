"""「我的对接」 on the official account (keyword or menu): how many demands the bound expert docks, and the latest."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from cards.official_account import CONTACT_NOT_EXPERT_TEXT, LISTED, NOT_BOUND_TEXT, my_dockings_text
from handlers.expert_channel.official_account import bound_account_of_follower, wechat_roles
from store.models.demands import Demand
from store.models.expert_pages import DockingStatus, ExpertDocking
from store.models.organisation_people import Expert
from store.uow import UnitOfWork


@dataclass(frozen=True)
class AnswerMyDockings:
    app_id: str
    openid: str


async def answer_my_dockings(cmd: AnswerMyDockings, uow: UnitOfWork) -> str:
    async with uow:
        session = uow.session
        account_id = await bound_account_of_follower(session, cmd.app_id, cmd.openid)
        expert_id = (
            None
            if account_id is None
            else await session.scalar(select(Expert.id).where(Expert.account_id == account_id))
        )
        if expert_id is None:
            # A bound enterprise contact hears what the mini-program does for them, not "bind first".
            if account_id is not None and (await wechat_roles(session, account_id)).contact:
                return CONTACT_NOT_EXPERT_TEXT
            return NOT_BOUND_TEXT
        docked = (ExpertDocking.expert_id == expert_id) & (ExpertDocking.status == DockingStatus.DOCKED)
        total = await session.scalar(select(func.count()).select_from(ExpertDocking).where(docked)) or 0
        titles = (
            await session.scalars(
                select(Demand.title)
                .join(ExpertDocking, ExpertDocking.demand_id == Demand.id)
                .where(docked)
                .order_by(ExpertDocking.docked_at.desc(), ExpertDocking.id.desc())
                .limit(LISTED)
            )
        ).all()
    return my_dockings_text(total, titles)
