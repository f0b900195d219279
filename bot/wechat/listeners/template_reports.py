"""TEMPLATESENDJOBFINISH: how a template message ended, recorded on the message it reports."""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.wechat.router import InboundMessage, MessageRouter
from handlers.transactions import Claim, transact
from handlers.wechat.record_template_delivery import (
    RecordTemplateDelivery,
    TemplateDeliveryRecorded,
    apply_kept_report,
    record_template_delivery,
)
from store.inbox import Inbound
from store.transaction import Transaction
from store.uow import UnitOfWork

log = logging.getLogger(__name__)


async def _reported_before(_tx: Transaction) -> TemplateDeliveryRecorded:
    return TemplateDeliveryRecorded(duplicate=True)


def register(router: MessageRouter, uow: Callable[[], UnitOfWork]) -> None:
    @router.event("templatesendjobfinish")
    async def on_template_finished(message: InboundMessage) -> str | None:
        cmd = RecordTemplateDelivery(message.msg_id, message.status)
        claim = Claim(message.inbox_key, Inbound.TEMPLATE_FINISH, _reported_before)
        recorded = await transact(uow(), lambda tx: record_template_delivery(cmd, tx), claim=claim, clash=None)
        # Kept: the msgid may have been recorded meanwhile, after the sender looked for the report.
        if recorded.kept and await apply_kept_report(message.msg_id, uow()) is None:
            # Not an error: the report came before the relay recorded the msgid, and is applied then.
            # No openid logged: the msgid and status are enough to trace it.
            log.info(
                "wechat template report kept until its msgid is recorded",
                extra={"msgid": message.msg_id, "status": message.status},
            )
        return None
