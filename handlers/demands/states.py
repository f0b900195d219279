"""The demand state machine: every allowed transition listed once; anything else is a 409."""

from __future__ import annotations

from enum import StrEnum

from handlers.errors import Conflict
from store.models.demands import DemandStatus as S

LABELS = {
    S.DRAFT: "草稿",
    S.POOLED: "待揭榜",
    S.PENDING_REVIEW: "待审核",
    S.RETURNED: "退回修改",
    S.REJECTED: "审核不通过",
    S.DOCKING: "对接中",
    S.PUBLISHED: "已公开",
    S.COMPLETED: "已完成",
    S.CLOSED: "已关闭",
}


class Step(StrEnum):
    SAVE_DRAFT = "save_draft"
    POOL = "pool"  # an enterprise's demand waits for an institution
    TAKE_UP = "take_up"  # 揭榜
    SUBMIT = "submit"
    EDIT = "edit"
    APPROVE = "approve"
    REJECT = "reject"
    RETURN = "return"
    WITHDRAW = "withdraw"
    PUBLISH = "publish"
    UNPUBLISH = "unpublish"  # the publisher withdraws an open publication
    ACCEPT_PUBLICATION = "accept_publication"  # another institution accepts it with the commitment letter
    COMPLETE = "complete"
    CLOSE = "close"
    FOLLOW_UP = "follow_up"  # the docking staff member records a visit, call, meeting …
    CHANGE_STAFF = "change_staff"  # the centre admin hands the docking to another staff member
    RECORD_FEE_PROOF = "record_fee_proof"  # the intermediary-fee payment proof of the registered project
    PUSH_EXPERTS = "push_experts"  # the docking staff member sends the demand to chosen experts on WeChat
    EXPERT_DOCK = "expert_dock"  # an expert presses 对接该需求
    EXPERT_UNDOCK = "expert_undock"  # the expert's 取消对接


_MOVES: dict[Step, tuple[frozenset[S | None], S | None]] = {
    Step.SAVE_DRAFT: (frozenset({None}), S.DRAFT),
    Step.POOL: (frozenset({None}), S.POOLED),
    Step.TAKE_UP: (frozenset({S.POOLED}), S.PENDING_REVIEW),
    Step.SUBMIT: (frozenset({None, S.DRAFT, S.RETURNED}), S.PENDING_REVIEW),
    Step.EDIT: (frozenset({S.DRAFT, S.RETURNED, S.DOCKING, S.PUBLISHED}), None),  # None: the status stays
    Step.APPROVE: (frozenset({S.PENDING_REVIEW}), S.DOCKING),
    Step.REJECT: (frozenset({S.PENDING_REVIEW}), S.REJECTED),
    Step.RETURN: (frozenset({S.PENDING_REVIEW}), S.RETURNED),
    Step.WITHDRAW: (frozenset({S.PENDING_REVIEW}), S.DRAFT),
    Step.PUBLISH: (frozenset({S.DOCKING}), S.PUBLISHED),
    Step.UNPUBLISH: (frozenset({S.PUBLISHED}), S.DOCKING),
    Step.ACCEPT_PUBLICATION: (frozenset({S.PUBLISHED}), None),
    Step.COMPLETE: (frozenset({S.DOCKING, S.PUBLISHED}), S.COMPLETED),
    Step.CLOSE: (frozenset({S.DRAFT, S.POOLED, S.RETURNED, S.REJECTED, S.DOCKING, S.PUBLISHED}), S.CLOSED),
    Step.FOLLOW_UP: (frozenset({S.DOCKING, S.PUBLISHED}), None),
    Step.CHANGE_STAFF: (frozenset({S.DOCKING, S.PUBLISHED}), None),
    Step.RECORD_FEE_PROOF: (frozenset({S.COMPLETED}), None),
    Step.PUSH_EXPERTS: (frozenset({S.DOCKING, S.PUBLISHED}), None),
    Step.EXPERT_DOCK: (frozenset({S.DOCKING, S.PUBLISHED}), None),
    Step.EXPERT_UNDOCK: (frozenset({S.DOCKING, S.PUBLISHED}), None),
}

_VERBS = {
    Step.SAVE_DRAFT: "保存草稿",
    Step.POOL: "进入揭榜池",
    Step.TAKE_UP: "揭榜",
    Step.SUBMIT: "提交审核",
    Step.EDIT: "修改",
    Step.APPROVE: "审核通过",
    Step.REJECT: "驳回",
    Step.RETURN: "退回修改",
    Step.WITHDRAW: "撤回",
    Step.PUBLISH: "公开",
    Step.UNPUBLISH: "撤回公开",
    Step.ACCEPT_PUBLICATION: "受理",
    Step.COMPLETE: "完成",
    Step.CLOSE: "关闭",
    Step.FOLLOW_UP: "记录跟进",
    Step.CHANGE_STAFF: "更换对接人员",
    Step.RECORD_FEE_PROOF: "上传中介费兑付凭证",
    Step.PUSH_EXPERTS: "推送专家",
    Step.EXPERT_DOCK: "对接",
    Step.EXPERT_UNDOCK: "取消对接",
}


def verb(step: Step) -> str:
    return _VERBS[step]


def allowed(step: Step, current: S | None) -> bool:
    return current in _MOVES[step][0]


def next_status(step: Step, current: S | None) -> S:
    """The status after `step`, or a Conflict naming the current state."""
    sources, target = _MOVES[step]
    if current not in sources:
        label = LABELS[current] if current is not None else "新建"
        raise Conflict(f"需求当前为「{label}」，不能{_VERBS[step]}", code="illegal_transition")
    if target is None:
        assert current is not None
        return current
    return target
