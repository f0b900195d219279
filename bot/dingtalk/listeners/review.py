"""The review card's 通过 / 驳回 / 退回修改: one use case, decided before the ack, the card shows who decided."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from pydantic import BaseModel, ConfigDict

from bot.dingtalk.router import CardActionRouter, CardContext, CardReply
from cards.actions import CardAction
from cards.replies import tip
from handlers.reviews.decide_review import DecideReview, Decision, decide_review
from handlers.reviews.subjects import SubjectHooks


class ReviewParams(BaseModel):
    # DingTalk returns the card's input fields among the params, next to the button's own.
    model_config = ConfigDict(extra="ignore")

    review_id: int
    stage: int
    reason: str = ""


_DECISIONS = {
    CardAction.REVIEW_APPROVE: Decision.APPROVE,
    CardAction.REVIEW_REJECT: Decision.REJECT,
    CardAction.REVIEW_RETURN: Decision.RETURN,
}


def register(router: CardActionRouter, subjects: Mapping[str, SubjectHooks]) -> None:
    """`subjects`: the hooks built with the configured policies."""
    for action, decision in _DECISIONS.items():
        # The card names the decider from our own records, not the presser's DingTalk name.
        router.action(action, ReviewParams, named=False)(_listener(decision, subjects))


def _listener(
    decision: Decision, subjects: Mapping[str, SubjectHooks]
) -> Callable[[CardContext, ReviewParams], Awaitable[CardReply]]:
    async def on_press(ctx: CardContext, params: ReviewParams) -> CardReply:
        # A refusal (no reason given, not a reviewer) raises a DomainError: the router tells the presser.
        cmd = DecideReview(params.review_id, params.stage, decision, params.reason, userid=ctx.press.user_id)
        decided = await decide_review(cmd, ctx.tx, subjects=subjects)
        if not decided.won:
            return CardReply(private_data=tip(decided.status))
        return CardReply(card_data={"status": decided.status, "open": "false"})

    return on_press
