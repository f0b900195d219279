"""Aliyun's SmsReport HTTP push: a JSON array of receipts, answered with {"code": 0}.

The push carries no signature, so the route is only mounted with a secret receipt token in its path.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import TYPE_CHECKING

from aiohttp import web

from handlers.sms.record_sms_receipts import SmsReceipt, UnknownSmsMessages, record_sms_receipts

if TYPE_CHECKING:
    from bot.bootstrap import Container

log = logging.getLogger(__name__)
RECEIPTS_PATH = "/sms/receipts/{token}"


def receipt_token(container: Container) -> str:
    token = container.settings.sms.receipt_token.get_secret_value()
    if not token and container.settings.sandbox:
        from sandbox.sms.credentials import SANDBOX_SMS  # sandbox mode only

        token = SANDBOX_SMS.receipt_token
    return token


def add_sms_routes(app: web.Application, container: Container) -> None:
    token = receipt_token(container)
    if not token:
        return

    async def receipts(request: web.Request) -> web.Response:
        if not hmac.compare_digest(request.match_info["token"].encode(), token.encode()):
            return web.json_response({"code": 403, "msg": "forbidden"}, status=403)
        try:
            items = json.loads(await request.read())
            parsed = [
                SmsReceipt(str(item["biz_id"]), bool(item.get("success")), str(item.get("err_code", "")))
                for item in (items if isinstance(items, list) else [items])
            ]
        except (ValueError, KeyError, TypeError):
            return web.json_response({"code": 400, "msg": "unreadable receipts"}, status=400)
        try:
            matched = await record_sms_receipts(parsed, container.uow())
        except UnknownSmsMessages as exc:
            # Not yet known here: a failure answer makes the provider push the batch again.
            log.info("sms receipts ahead of their messages", extra={"error": exc.message})
            return web.json_response({"code": 503, "msg": "retry later"}, status=503)
        log.info("sms receipts recorded", extra={"received": len(parsed), "matched": matched})
        return web.json_response({"code": 0, "msg": "成功"})

    app.router.add_post(RECEIPTS_PATH, receipts)
