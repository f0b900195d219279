"""What the official account does with each push, one module per feature, each with `register(router, …)`:
translate the push into a use case and answer in Chinese (texts in cards/). A push with an effect runs through
handlers.transactions.transact under its inbox key, so a retried push has no second effect."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.wechat.listeners import bind, expert_queries, follow, help_menu, template_reports
from bot.wechat.router import MessageRouter
from handlers.expert_invitations.accept_expert_invitation import BindLink
from store.uow import UnitOfWork


def build_router(
    uow: Callable[[], UnitOfWork],
    *,
    after_follow: Callable[[str], Awaitable[None]] | None = None,
    bind_link: BindLink | None = None,
) -> MessageRouter:
    """`after_follow(openid)` runs once per new follow, after the answer (e.g. fetching the unionid).
    `bind_link`: where an expert invitation's bind message leads; None leaves invitation scenes unanswered."""
    router = MessageRouter()
    help_menu.register(router)
    bind.register(router, uow, bind_link)
    expert_queries.register(router, uow)
    follow.register(router, uow, after_follow=after_follow, bind_link=bind_link)
    template_reports.register(router, uow)
    return router
