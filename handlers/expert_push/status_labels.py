"""What staff read for each expert push's status (the push list on the pages): one label per status, here only."""

from __future__ import annotations

from store.models.expert_pushes import ExpertPushStatus

STATUS_LABELS = {
    ExpertPushStatus.SENDING: "发送中",
    ExpertPushStatus.ACCEPTED: "已发送",
    ExpertPushStatus.DELIVERED: "已送达",
    ExpertPushStatus.UNFOLLOWED: "专家未关注公众号",
    ExpertPushStatus.BLOCKED: "专家已拒收消息",
    ExpertPushStatus.FAILED: "发送失败",
}
