"""The relay's channel records the msgid WeChat gave a template message, and applies a report that came first.

The msgid is written on the outbox message at once (the relay settles the row a moment later with the same
id); then, after that commit, a report kept for the msgid is applied (see record_template_delivery).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update

from handlers.wechat.record_template_delivery import REPORT_HOOKS, ReportHook, apply_kept_report
from store.models.outbox import OutboxMessage
from store.uow import UnitOfWork


@dataclass(frozen=True)
class RecordTemplateSent:
    outbox_message_id: int
    msg_id: str
    hooks: tuple[ReportHook, ...] = REPORT_HOOKS


async def record_template_sent(cmd: RecordTemplateSent, uow: UnitOfWork) -> str | None:
    """The delivery status of a report that had come before the msgid was recorded, else None."""
    async with uow:
        await uow.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == cmd.outbox_message_id)
            .values(provider_message_id=cmd.msg_id, updated_at=uow.clock.now())
            .execution_options(synchronize_session=False)
        )
        await uow.commit()
    return await apply_kept_report(cmd.msg_id, uow, cmd.hooks)
