"""The docking card's 标记已沟通: the follow-up is recorded before the ack; the card names who marked it."""

from __future__ import annotations

from pydantic import BaseModel

from bot.dingtalk.router import CardActionRouter, CardContext, CardReply
from cards.actions import CardAction
from cards.replies import DUPLICATE, tip
from handlers.expert_channel.mark_communicated import MarkCommunicated, mark_communicated


class CommunicatedParams(BaseModel):
    docking_id: int
    round: int


def register(router: CardActionRouter) -> None:
    @router.action(CardAction.DOCKING_COMMUNICATED, CommunicatedParams)
    async def on_communicated(ctx: CardContext, params: CommunicatedParams) -> CardReply:
        # A refusal (not the docking staff, the expert cancelled) raises: the router tells the presser.
        done = await mark_communicated(
            MarkCommunicated(params.docking_id, params.round, ctx.press.user_id, ctx.presser_name), ctx.tx
        )
        if not done.won:
            return CardReply(private_data=tip(DUPLICATE))
        return CardReply(card_data=done.card_data)
