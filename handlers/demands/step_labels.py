"""Each timeline step's Chinese name, the one place the pages read it from (beside each step the API sends)."""

from __future__ import annotations

from handlers.demands.states import Step

STEP_LABELS: dict[Step, str] = {
    Step.SAVE_DRAFT: "保存草稿",
    Step.POOL: "企业发布",
    Step.TAKE_UP: "揭榜",
    Step.SUBMIT: "提交审核",
    Step.EDIT: "编辑需求",
    Step.APPROVE: "审核通过",
    Step.REJECT: "审核不通过",
    Step.RETURN: "退回修改",
    Step.WITHDRAW: "撤回",
    Step.PUBLISH: "公开需求",
    Step.UNPUBLISH: "撤回公开",
    Step.ACCEPT_PUBLICATION: "受理公开需求",
    Step.COMPLETE: "项目登记，需求完成",
    Step.CLOSE: "关闭需求",
    Step.FOLLOW_UP: "跟进记录",
    Step.CHANGE_STAFF: "变更对接人员",
    Step.RECORD_FEE_PROOF: "上传中介费凭证",
    Step.PUSH_EXPERTS: "推送专家",
    Step.EXPERT_DOCK: "专家对接",
    Step.EXPERT_UNDOCK: "专家取消对接",
}


def step_label(action: str) -> str:
    """A stored step's name; an action no longer known reads as itself rather than failing the whole timeline."""
    try:
        return STEP_LABELS[Step(action)]
    except ValueError:
        return action
