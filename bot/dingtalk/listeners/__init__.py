"""Card-action listeners, one module per feature, each with `register(router)`."""

from __future__ import annotations

from collections.abc import Mapping

from bot.dingtalk.listeners import acknowledge, expert_docking, review
from bot.dingtalk.router import CardActionRouter
from handlers.reviews.subjects import SubjectHooks


def register_all(router: CardActionRouter, *, review_subjects: Mapping[str, SubjectHooks]) -> None:
    acknowledge.register(router)
    review.register(router, review_subjects)
    expert_docking.register(router)
