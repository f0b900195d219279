"""Card-action listeners, one module per feature, each with `register(router)`."""

from __future__ import annotations

from bot.dingtalk.listeners import acknowledge, review
from bot.dingtalk.router import CardActionRouter


def register_all(router: CardActionRouter) -> None:
    acknowledge.register(router)
    review.register(router)
