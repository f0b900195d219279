"""The Chinese names of a membership invitation's state and of where DingTalk stands with it, in one place."""

from __future__ import annotations

from store.models.membership import InvitationStatus, PlatformState

STATUS_LABELS: dict[InvitationStatus, str] = {
    InvitationStatus.PENDING: "待加入",
    InvitationStatus.ACCEPTED: "已加入",
    InvitationStatus.EXPIRED: "已过期",
    InvitationStatus.REVOKED: "已撤销",
}

PLATFORM_LABELS: dict[PlatformState, str] = {
    PlatformState.QUEUED: "待发送",
    PlatformState.JOIN_REQUESTED: "待同意",
    PlatformState.MEMBER: "已是成员",
    PlatformState.FAILED: "发送失败",
}
