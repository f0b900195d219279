"""「我的对接」 and 「我的订阅」 (keyword or menu): read-only answers about the bound expert."""

from __future__ import annotations

from collections.abc import Callable

from bot.wechat.router import InboundMessage, MessageRouter
from handlers.expert_channel.answer_my_dockings import AnswerMyDockings, answer_my_dockings
from handlers.expert_channel.answer_my_subscriptions import AnswerMySubscriptions, answer_my_subscriptions
from store.uow import UnitOfWork

MY_DOCKINGS_KEYWORDS = ("我的对接",)
MY_DOCKINGS_MENU_KEY = "my_dockings"
MY_SUBSCRIPTIONS_KEYWORDS = ("我的订阅", "订阅")
MY_SUBSCRIPTIONS_MENU_KEY = "my_subscriptions"


def register(router: MessageRouter, uow: Callable[[], UnitOfWork]) -> None:
    @router.keyword(*MY_DOCKINGS_KEYWORDS)
    @router.menu(MY_DOCKINGS_MENU_KEY)
    async def on_my_dockings(message: InboundMessage) -> str | None:
        return await answer_my_dockings(AnswerMyDockings(message.app_id, message.from_user), uow())

    @router.keyword(*MY_SUBSCRIPTIONS_KEYWORDS)
    @router.menu(MY_SUBSCRIPTIONS_MENU_KEY)
    async def on_my_subscriptions(message: InboundMessage) -> str | None:
        return await answer_my_subscriptions(AnswerMySubscriptions(message.app_id, message.from_user), uow())
