"""The expert push channel: a template message (`ExpertPushTemplate`) whose push hears how the send went.

The send itself is the template channel's (the same translation of the platform's answers: 43004 marks the
follower and is permanent); afterwards the push's use case records the outcome. If recording fails after
WeChat accepted, the relay retries and the platform drops the repeat by its client_msg_id, answering with the
same msgid, so the outcome is recorded once.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.channels.base import Delivered, OutboundMessage, PermanentError
from bot.wechat.channels import WeChatTemplateChannel
from cards.outbound import Channel
from handlers.expert_push.record_push_outcome import (
    RecordPushFailed,
    RecordPushSent,
    record_push_failed,
    record_push_sent,
)
from store.uow import UnitOfWork


class ExpertPushChannel:
    name = Channel.WECHAT_EXPERT_PUSH

    def __init__(self, template: WeChatTemplateChannel, uow: Callable[[], UnitOfWork]) -> None:
        self.template = template
        self.uow = uow

    async def send(self, message: OutboundMessage) -> Delivered:
        try:
            delivered = await self.template.deliver(message)
        except PermanentError as exc:
            await record_push_failed(RecordPushFailed(message.id, self.template.gate.app_id, exc.reason), self.uow())
            raise
        await record_push_sent(RecordPushSent(message.id, delivered.provider_message_id), self.uow())
        # After the push knows its msgid: a report kept for it then reaches the push too.
        return await self.template.recorded(message, delivered)
