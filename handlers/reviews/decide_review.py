"""A reviewer decides: approve, reject (a reason is mandatory) or return for update.

One conditional UPDATE on the review (still pending, still at this stage) decides which press wins; the
loser, a repeat or a late second reviewer is told who decided and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from sqlalchemy import CursorResult, Select, bindparam, false, select, true, update
from sqlalchemy.orm.attributes import set_committed_value

from cards.outbound import text_notice
from cards.review import decided_notice, decided_status
from handlers.errors import Forbidden, InvalidInput, NotFound
from handlers.reviews.chains import CHAINS, Chain
from handlers.reviews.subjects import Decider, SubjectHooks
from handlers.reviews.tasks import close_stage, open_stage
from store.base import table_of
from store.models.auth import DingTalkBinding
from store.models.demands import Review, ReviewStatus, ReviewTask
from store.models.organisation import Account
from store.transaction import Transaction


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    RETURN = "return"


_FINAL = {
    Decision.APPROVE: ReviewStatus.APPROVED,
    Decision.REJECT: ReviewStatus.REJECTED,
    Decision.RETURN: ReviewStatus.RETURNED,
}


_REVIEWS = table_of(Review)
_WON = (
    _REVIEWS.c.id == bindparam("review_id"),
    _REVIEWS.c.status == ReviewStatus.PENDING,
    _REVIEWS.c.stage == bindparam("at_stage"),
)
# Core, built once (a card press runs one on its ack path): which press wins is decided here.
_ADVANCE = update(_REVIEWS).where(*_WON).values(stage=bindparam("new_stage"))
_DECIDE = (
    update(_REVIEWS)
    .where(*_WON)
    .values(
        status=bindparam("new_status"),
        decided_by=bindparam("new_decided_by"),
        decided_by_name=bindparam("new_decided_by_name"),
        reason=bindparam("new_reason"),
        decided_at=bindparam("new_decided_at"),
        clock_since=None,
        due_on=None,
    )
)
# A final decision stops the stage's clock in the same UPDATE (close_stage records the event).
_CLOCK_STOPPED = {"clock_since": None, "due_on": None}


def _load_statement(by: Literal["account", "userid", "nobody"]) -> Select[Any]:
    """The review, the presser as a reviewer of the stage (by account id, by DingTalk userid, or nobody)
    with their name, and the submitter's DingTalk userid, in one query."""
    decider = (
        select(ReviewTask.reviewer_account_id.label("account_id"), Account.name.label("name"))
        .join(Account, Account.id == ReviewTask.reviewer_account_id)
        .where(ReviewTask.review_id == bindparam("review_id"), ReviewTask.stage == bindparam("stage"))
    )
    if by == "account":
        decider = decider.where(ReviewTask.reviewer_account_id == bindparam("account_id"))
    elif by == "userid":
        decider = decider.join(DingTalkBinding, DingTalkBinding.account_id == ReviewTask.reviewer_account_id).where(
            DingTalkBinding.userid == bindparam("userid")
        )
    else:
        decider = decider.where(false())
    found = decider.limit(1).subquery()
    submitter = (
        select(DingTalkBinding.userid)
        .where(DingTalkBinding.account_id == Review.submitter_account_id)
        .scalar_subquery()
    )
    return (
        select(Review, found.c.account_id, found.c.name, submitter)
        .outerjoin(found, true())
        .where(Review.id == bindparam("review_id"))
    )


_LOAD_BY_ACCOUNT, _LOAD_BY_USERID, _LOAD_NOBODY = (
    _load_statement("account"),
    _load_statement("userid"),
    _load_statement("nobody"),
)


@dataclass(frozen=True)
class DecideReview:
    review_id: int
    stage: int
    decision: Decision
    reason: str = ""
    account_id: int | None = None  # from a REST session
    userid: str | None = None  # from a card press


@dataclass(frozen=True)
class ReviewDecided:
    won: bool  # False: someone (maybe this very reviewer) decided this stage before
    outcome: str  # approved / rejected / returned / advanced / withdrawn
    status: str  # what the stage's cards now say: 「已由张三通过」


async def decide_review(
    cmd: DecideReview,
    tx: Transaction,
    *,
    chains: Mapping[str, Chain] = CHAINS,
    subjects: Mapping[str, SubjectHooks],
) -> ReviewDecided:
    """Runs in the transaction that claimed the decision's key (a card press's, a REST request's); the caller
    commits."""
    loaded = await _load(tx, cmd)
    if loaded is None:
        raise NotFound("未找到该审核")
    review, by, submitter_userid = loaded
    if by is None:
        # A REST caller who does not see the subject learns nothing: the same answer as for no such review.
        # (A card press comes from the presser's own card: it keeps its answer.)
        hooks = subjects[review.subject_type]
        if cmd.account_id is not None and not await hooks.seen_by(tx, review, cmd.account_id):
            raise NotFound("未找到该审核")
        raise Forbidden("您不是该环节的审核人")
    reason = cmd.reason.strip()
    if cmd.decision != Decision.APPROVE and not reason:
        raise InvalidInput("驳回或退回修改时请填写原因", code="reason_required")
    chain = chains[review.chain]
    advance = cmd.decision == Decision.APPROVE and not chain.is_last(cmd.stage)
    now = tx.clock.now()
    values: dict[str, object] = (
        {"stage": cmd.stage + 1}
        if advance
        else {
            "status": _FINAL[cmd.decision],
            "decided_by": by.account_id,
            "decided_by_name": by.name,
            "reason": reason or None,
            "decided_at": now,
        }
    )
    result = await tx.session.execute(
        _ADVANCE if advance else _DECIDE,
        {"review_id": review.id, "at_stage": cmd.stage, **{f"new_{column}": value for column, value in values.items()}},
    )
    if not isinstance(result, CursorResult) or result.rowcount != 1:
        return await _already(tx, review, cmd.stage)
    # The row now holds what was just written: no need to read it back.
    for column, value in (values if advance else {**values, **_CLOCK_STOPPED}).items():
        set_committed_value(review, column, value)
    outcome = "advanced" if advance else str(_FINAL[cmd.decision])
    tx.record(
        "review",
        review.id,
        f"stage_{cmd.decision}d" if advance else outcome,
        actor=by.label,
        data={"stage": cmd.stage, "by": by.name, "reason": reason or None},
    )
    await close_stage(tx, review, cmd.stage, str(_FINAL[cmd.decision]), by.name, reason or None)
    if advance:
        await open_stage(tx, chain, review)
        return ReviewDecided(True, outcome, decided_status("approved", by.name))
    # The submitter's notice before the subject's hooks: a hook may end on a lock held until the commit
    # (the points chain of the staff member credited), which nothing else should wait behind.
    await _tell_submitter(tx, chain, review, submitter_userid, outcome, by.name, reason)
    hooks = subjects[review.subject_type]
    if cmd.decision == Decision.APPROVE:
        await hooks.approved(tx, review, by)
    elif cmd.decision == Decision.REJECT:
        await hooks.rejected(tx, review, by, reason)
    else:
        await hooks.returned(tx, review, by, reason)
    return ReviewDecided(True, outcome, decided_status(outcome, by.name, reason or None))


async def repeated_decision(cmd: DecideReview, tx: Transaction) -> ReviewDecided:
    """The answer to a decision acted upon before (a client retrying its request): who decided the stage, as
    the loser of a race is told."""
    loaded = await _load(tx, cmd)
    if loaded is None:
        raise NotFound("未找到该审核")
    return await _already(tx, loaded[0], cmd.stage)


async def _load(tx: Transaction, cmd: DecideReview) -> tuple[Review, Decider | None, str | None] | None:
    """In one query: the review, the presser as a reviewer of the stage with their name (None when they are
    not one), and the submitter's DingTalk userid for the notice. None when there is no such review."""
    params: dict[str, object] = {"review_id": cmd.review_id, "stage": cmd.stage}
    if cmd.account_id is not None:
        statement, params["account_id"] = _LOAD_BY_ACCOUNT, cmd.account_id
    elif cmd.userid:
        statement, params["userid"] = _LOAD_BY_USERID, cmd.userid
    else:
        statement = _LOAD_NOBODY
    row = (await tx.session.execute(statement, params)).first()
    if row is None:
        return None
    review, account_id, name, submitter_userid = row
    by = None if account_id is None else Decider(account_id, name or f"账号{account_id}")
    return review, by, submitter_userid


async def _already(tx: Transaction, review: Review, stage: int) -> ReviewDecided:
    """The stage was decided before: its cards carry the note of who decided it."""
    await tx.session.refresh(review)
    note = await tx.session.scalar(
        select(ReviewTask.note)
        .where(ReviewTask.review_id == review.id, ReviewTask.stage == stage, ReviewTask.note.is_not(None))
        .limit(1)
    )
    outcome = "approved" if review.status == ReviewStatus.PENDING else str(review.status)
    return ReviewDecided(False, outcome, note or "")


async def _tell_submitter(
    tx: Transaction, chain: Chain, review: Review, userid: str | None, outcome: str, by: str, reason: str
) -> None:
    if userid is None:
        return
    text = decided_notice(review.title, chain.label, outcome, by, reason, review.link)
    tx.send_later(text_notice(userid, text, record=f"审核 {review.id}", source=f"review:{review.id}"))
