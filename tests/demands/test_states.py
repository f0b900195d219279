"""The demand state machine as a table: every allowed move, and a clear refusal for the rest."""

from __future__ import annotations

import pytest

from handlers.demands.states import Step, allowed, next_status
from handlers.errors import Conflict
from store.models.demands import DemandStatus as S

ALLOWED: dict[tuple[Step, S | None], S] = {
    (Step.SAVE_DRAFT, None): S.DRAFT,
    (Step.POOL, None): S.POOLED,
    (Step.TAKE_UP, S.POOLED): S.PENDING_REVIEW,
    (Step.SUBMIT, None): S.PENDING_REVIEW,
    (Step.SUBMIT, S.DRAFT): S.PENDING_REVIEW,
    (Step.SUBMIT, S.RETURNED): S.PENDING_REVIEW,
    (Step.EDIT, S.DRAFT): S.DRAFT,
    (Step.EDIT, S.RETURNED): S.RETURNED,
    (Step.EDIT, S.DOCKING): S.DOCKING,
    (Step.EDIT, S.PUBLISHED): S.PUBLISHED,
    (Step.APPROVE, S.PENDING_REVIEW): S.DOCKING,
    (Step.REJECT, S.PENDING_REVIEW): S.REJECTED,
    (Step.RETURN, S.PENDING_REVIEW): S.RETURNED,
    (Step.WITHDRAW, S.PENDING_REVIEW): S.DRAFT,
    (Step.PUBLISH, S.DOCKING): S.PUBLISHED,
    (Step.UNPUBLISH, S.PUBLISHED): S.DOCKING,
    (Step.ACCEPT_PUBLICATION, S.PUBLISHED): S.PUBLISHED,
    (Step.COMPLETE, S.DOCKING): S.COMPLETED,
    (Step.COMPLETE, S.PUBLISHED): S.COMPLETED,
    **{(Step.CLOSE, s): S.CLOSED for s in (S.DRAFT, S.POOLED, S.RETURNED, S.REJECTED, S.DOCKING, S.PUBLISHED)},
    **{
        (step, s): s
        for step in (Step.FOLLOW_UP, Step.CHANGE_STAFF, Step.PUSH_EXPERTS, Step.EXPERT_DOCK, Step.EXPERT_UNDOCK)
        for s in (S.DOCKING, S.PUBLISHED)
    },
    (Step.RECORD_FEE_PROOF, S.COMPLETED): S.COMPLETED,
}


@pytest.mark.parametrize("move", sorted(ALLOWED, key=str))
def test_allowed_moves(move: tuple[Step, S | None]) -> None:
    step, current = move
    assert allowed(step, current)
    assert next_status(step, current) == ALLOWED[move]


def test_every_other_move_is_a_409_naming_the_state() -> None:
    refused = [(step, s) for step in Step for s in (None, *S) if (step, s) not in ALLOWED]
    assert len(refused) > 60
    for step, current in refused:
        assert not allowed(step, current)
        with pytest.raises(Conflict) as caught:
            next_status(step, current)
        assert caught.value.status == 409 and caught.value.code == "illegal_transition"
    with pytest.raises(Conflict, match="需求当前为「已完成」，不能关闭"):
        next_status(Step.CLOSE, S.COMPLETED)
    with pytest.raises(Conflict, match="需求当前为「审核不通过」，不能提交审核"):
        next_status(Step.SUBMIT, S.REJECTED)
