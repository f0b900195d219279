"""「确认收到」: the demo card action. The acknowledgement is recorded in the notice's audit chain."""

from __future__ import annotations

from pydantic import BaseModel

from bot.dingtalk.router import CardActionRouter, CardContext, CardReply
from cards.acknowledge import acknowledged_update
from cards.actions import CardAction
from handlers.notices.acknowledge_notice import AcknowledgeNotice, acknowledge_notice


class AcknowledgeParams(BaseModel):
    notice_id: str


def register(router: CardActionRouter) -> None:
    @router.action(CardAction.ACKNOWLEDGE, AcknowledgeParams)
    async def on_acknowledge(ctx: CardContext, params: AcknowledgeParams) -> CardReply:
        await acknowledge_notice(
            AcknowledgeNotice(params.notice_id, ctx.press.user_id, ctx.presser_name, ctx.press.out_track_id),
            ctx.tx,
        )
        return CardReply(card_data=acknowledged_update(ctx.presser_name))
