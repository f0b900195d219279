"""Card action ids: the buttons declare them, the router dispatches on them. One list, no string copies."""

from __future__ import annotations

from enum import StrEnum


class CardAction(StrEnum):
    ACKNOWLEDGE = "notice.acknowledge"
    REVIEW_APPROVE = "review.approve"
    REVIEW_REJECT = "review.reject"
    REVIEW_RETURN = "review.return"
    DOCKING_COMMUNICATED = "expert_docking.communicated"
