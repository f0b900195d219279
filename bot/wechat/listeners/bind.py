"""「绑定」 (keyword, or the 绑定信息 menu button): as whom the follower is bound, else the bind link."""

from __future__ import annotations

from collections.abc import Callable

from bot.wechat.router import InboundMessage, MessageRouter
from handlers.expert_channel.answer_bind_request import (
    AnswerBindRequest,
    answer_bind_request,
    answer_repeated_bind_request,
)
from handlers.expert_invitations.accept_expert_invitation import BindLink
from handlers.transactions import Claim, transact
from store.inbox import Inbound
from store.uow import UnitOfWork

BIND_KEYWORDS = ("绑定", "绑定信息")
BIND_MENU_KEY = "bind"


def register(router: MessageRouter, uow: Callable[[], UnitOfWork], bind_link: BindLink | None) -> None:
    @router.keyword(*BIND_KEYWORDS)
    @router.menu(BIND_MENU_KEY)
    async def on_bind(message: InboundMessage) -> str | None:
        cmd = AnswerBindRequest(message.app_id, message.from_user, bind_link)
        claim = Claim(message.inbox_key, Inbound.BIND_REQUEST, lambda tx: answer_repeated_bind_request(cmd, tx))
        return await transact(uow(), lambda tx: answer_bind_request(cmd, tx), claim=claim, clash=None)
