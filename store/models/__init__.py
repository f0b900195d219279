"""Every model, imported so that Alembic and the metadata see all tables."""

from store.models.audit import AuditCheckpoint, AuditEntry, AuditPersonalField
from store.models.dingtalk import DingTalkInbound
from store.models.files import StoredFile
from store.models.outbox import OutboxMessage, OutboxStatus
from store.models.wechat import WeChatFollower, WeChatInbox

__all__ = [
    "AuditCheckpoint",
    "AuditEntry",
    "AuditPersonalField",
    "DingTalkInbound",
    "OutboxMessage",
    "OutboxStatus",
    "StoredFile",
    "WeChatFollower",
    "WeChatInbox",
]
