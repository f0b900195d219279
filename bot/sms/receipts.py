"""Aliyun's SmsReport HTTP push: a JSON array of receipts, answered with {"code": 0}.

The push carries no signature, so the route is only mounted with a secret receipt token in its path.
"""

from __future__ import annotations

import hmac
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from aiohttp import web

from handlers.sms.record_sms_receipts import SmsReceipt, UnknownSmsMessages, record_sms_receipts

if TYPE_CHECKING:
    from bot.bootstrap import Container

log = logging.getLogger(__name__)
RECEIPTS_PATH = "/sms/receipts/{token}"
PROVIDER_TIMEZONE = ZoneInfo("Asia/Shanghai")


def report_time(value: object) -> datetime | None:
    """Aliyun words report times as "2017-02-02 22:23:57" in Beijing time; None when absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=PROVIDER_TIMEZONE).astimezone(UTC)
    except ValueError:
        return None


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
    retry_window = timedelta(seconds=container.settings.sms.receipt_retry_window_seconds)

    async def receipts(request: web.Request) -> web.Response:
        if not hmac.compare_digest(request.match_info["token"].encode(), token.encode()):
            return web.json_response({"code": 403, "msg": "forbidden"}, status=403)
        try:
            items = json.loads(await request.read())
            parsed = [
                SmsReceipt(
                    str(item["biz_id"]),
                    bool(item.get("success")),
                    str(item.get("err_code", "")),
                    reported_at=report_time(item.get("report_time") or item.get("send_time")),
                )
                for item in (items if isinstance(items, list) else [items])
            ]
        except (ValueError, KeyError, TypeError, AttributeError):
            return web.json_response({"code": 400, "msg": "unreadable receipts"}, status=400)
        try:
            recorded = await record_sms_receipts(parsed, container.uow(), retry_window=retry_window)
        except UnknownSmsMessages as exc:
            # Not yet known here: a failure answer makes the provider push the batch again.
            log.info("sms receipts ahead of their messages", extra={"error": exc.message})
            return web.json_response({"code": 503, "msg": "retry later"}, status=503)
        if recorded.orphans:
            # Provider ids only: the phone numbers in the receipts stay out of the log.
            log.warning(
                "orphan sms receipts acknowledged",
                extra={"count": len(recorded.orphans), "biz_ids": recorded.orphans[:5]},
            )
        log.info("sms receipts recorded", extra={"received": len(parsed), "matched": recorded.matched})
        return web.json_response({"code": 0, "msg": "成功"})

    app.router.add_post(RECEIPTS_PATH, receipts)
