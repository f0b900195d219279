"""「我的订阅」 on the official account (keyword or menu): the bound expert's subscribed fields."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from cards.official_account import CONTACT_NOT_EXPERT_TEXT, NOT_BOUND_TEXT, my_subscriptions_text
from handlers.expert_channel.official_account import bound_account_of_follower, wechat_roles
from handlers.reference.tech_fields import TechFields
from store.models.expert_digest import ExpertSubscription
from store.models.organisation_people import Expert
from store.uow import UnitOfWork


@dataclass(frozen=True)
class AnswerMySubscriptions:
    app_id: str
    openid: str


async def answer_my_subscriptions(cmd: AnswerMySubscriptions, uow: UnitOfWork) -> str:
    async with uow:
        account_id = await bound_account_of_follower(uow.session, cmd.app_id, cmd.openid)
        if account_id is None:
            return NOT_BOUND_TEXT
        roles = await wechat_roles(uow.session, account_id)
        if not roles.expert:
            return CONTACT_NOT_EXPERT_TEXT if roles.contact else NOT_BOUND_TEXT
        codes = (
            await uow.session.scalars(
                select(ExpertSubscription.field_code)
                .join(Expert, Expert.id == ExpertSubscription.expert_id)
                .where(Expert.account_id == account_id)
                .order_by(ExpertSubscription.field_code)
            )
        ).all()
    taxonomy = TechFields.load()
    return my_subscriptions_text([taxonomy.path(c) for c in codes])
