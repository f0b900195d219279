"""「确认收到」: the demo card action. The acknowledgement is recorded in the notice's audit chain."""

from __future__ import annotations

from pydantic import BaseModel

from bot.dingtalk.router import CardActionRouter, CardContext, CardReply
from cards.acknowledge import acknowledged_update
from cards.actions import CardAction


class AcknowledgeParams(BaseModel):
    notice_id: str


def register(router: CardActionRouter) -> None:
    @router.action(CardAction.ACKNOWLEDGE, AcknowledgeParams)
    async def on_acknowledge(ctx: CardContext, params: AcknowledgeParams) -> CardReply:
        await ctx.uow.record(
            "notice", params.notice_id, "acknowledged", actor=ctx.press.user_id,
            data={"out_track_id": ctx.press.out_track_id, "by": ctx.presser_name},
        )
        return CardReply(card_data=acknowledged_update(ctx.presser_name))
