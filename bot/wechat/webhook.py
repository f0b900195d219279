"""The official account's callback: GET handshake, POST pushes in plain and safe mode.

Order of work: authenticate (403 on any bad signature, before anything is parsed or written),
open and parse, dispatch to a listener under a deadline, then answer — an encrypted reply when
there is something to say, plain `success` otherwise.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot import metrics
from bot.availability import count_unavailable, dependency_unavailable
from bot.wechat.client import WeChatClient, WeChatError
from bot.wechat.clients import build_wechat_clients
from bot.wechat.config import WeChatConfig, resolve_wechat_config
from bot.wechat.crypto import DecryptError, MessageCrypto, SignatureError, XmlError, check_signature, parse_xml
from bot.wechat.crypto import render_xml as render
from bot.wechat.listeners import build_router
from bot.wechat.router import InboundMessage, MessageRouter, RetryLater
from handlers.clock import Clock
from handlers.expert_invitations.accept_expert_invitation import BindLink
from handlers.wechat.record_unionid import RecordUnionid, record_unionid
from store.uow import UnitOfWork

if TYPE_CHECKING:
    from bot.bootstrap import Container

log = logging.getLogger(__name__)
CALLBACK_PATH = "/wechat/callback"
SUCCESS = "success"


class WeChatWebhook:
    def __init__(self, config: WeChatConfig, router: MessageRouter, clock: Clock) -> None:
        self.config = config
        self.router = router
        self.clock = clock
        self.crypto = (
            MessageCrypto(config.token, list(config.encoding_aes_keys), config.app_id)
            if config.encoding_aes_keys
            else None
        )
        # Listeners that outlived the deadline finish in the background; kept so they are not collected.
        self._late: set[asyncio.Task[Any]] = set()

    async def handle(self, request: web.Request) -> web.Response:
        started = time.perf_counter()
        try:
            return await self._handle(request)
        finally:
            metrics.callback_latency.labels("wechat").observe(time.perf_counter() - started)

    async def _handle(self, request: web.Request) -> web.Response:
        query = request.query
        timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
        if not check_signature(self.config.token, query.get("signature", ""), timestamp, nonce):
            return web.Response(status=403, text="invalid signature")
        if request.method == "GET":
            return web.Response(text=query.get("echostr", ""))  # verbatim, even in safe mode
        if not self._fresh(timestamp):
            # The signature never expires by itself: without this a seen URL could be replayed forever.
            return web.Response(status=403, text="stale timestamp")
        encrypted = query.get("encrypt_type", "raw").lower() == "aes"
        if not encrypted and self.config.message_mode == "safe":
            # The plain signature does not cover the body: only the encrypted envelope proves the sender.
            return web.Response(status=403, text="only encrypted pushes are accepted")
        body = await request.read()
        key_index: int | None = None
        try:
            if encrypted:
                if self.crypto is None or self.config.message_mode == "plain":
                    return web.Response(status=400, text="safe mode is not configured")
                opened = self.crypto.open(body, query.get("msg_signature", ""), timestamp, nonce)
                fields, key_index = parse_xml(opened.xml), opened.key_index
            else:
                fields = parse_xml(body)
        except SignatureError:
            return web.Response(status=403, text="invalid signature")
        except (DecryptError, XmlError) as exc:
            log.warning("unreadable wechat push", extra={"error": str(exc)})
            return web.Response(status=400, text="unreadable message")
        message = InboundMessage.from_fields(self.config.app_id, fields)
        try:
            reply = await self._dispatch(message)
        except RetryLater as exc:
            log.info("wechat push deferred to a retry", extra={"reason": str(exc)})
            return web.Response(status=503, text="retry later")
        except Exception as exc:
            # The database or Redis unreachable: nothing was recorded; without `success` WeChat pushes it again.
            if (unavailable := dependency_unavailable(exc)) is None:
                raise
            count_unavailable(unavailable, "wechat", exc, msg_type=message.msg_type, event=message.event)
            return web.Response(status=503, text="retry later", headers={"Retry-After": str(unavailable.retry_after)})
        if not reply:
            return web.Response(text=SUCCESS)
        xml = render(
            {
                "ToUserName": message.from_user,
                "FromUserName": message.to_user,
                "CreateTime": int(self.clock.now().timestamp()),
                "MsgType": "text",
                "Content": reply,
            }
        )
        if key_index is not None and self.crypto is not None:
            xml = self.crypto.seal(xml, timestamp, nonce, key_index=key_index)
        return web.Response(text=xml, content_type="application/xml")

    def _fresh(self, timestamp: str) -> bool:
        try:
            sent = int(timestamp)
        except ValueError:
            return False
        return abs(self.clock.now().timestamp() - sent) <= self.config.timestamp_window_seconds

    async def _dispatch(self, message: InboundMessage) -> str | None:
        task = asyncio.ensure_future(self.router.dispatch(message))
        try:
            async with asyncio.timeout(self.config.reply_deadline_seconds):
                return await asyncio.shield(task)
        except TimeoutError:
            # Answering `success` stops WeChat's retries; the effect still commits in the background.
            log.warning(
                "wechat listener missed the reply deadline",
                extra={"msg_type": message.msg_type, "event": message.event},
            )
            self._late.add(task)
            task.add_done_callback(self._settle_late)
            return None

    def _settle_late(self, task: asyncio.Task[Any]) -> None:
        self._late.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            # Already answered `success`: WeChat will not push it again, so this one is lost (logged with the cause).
            log.error("late wechat listener failed", exc_info=exc)

    def background(self, work: Awaitable[None]) -> None:
        """Work that must not delay the answer; kept, and failures logged."""
        task: asyncio.Task[Any] = asyncio.ensure_future(work)
        self._late.add(task)
        task.add_done_callback(self._settle_late)

    async def drain(self) -> None:
        while self._late:
            await asyncio.gather(*list(self._late), return_exceptions=True)


class UnionidFetcher:
    """After a follow, asks the platform for the follower's unionid (present when an Open Platform
    account binds the official account and the mini-program)."""

    def __init__(self, client: WeChatClient, uow: Callable[[], UnitOfWork]) -> None:
        self.client = client
        self.uow = uow

    async def fetch(self, openid: str) -> None:
        try:
            info = await self.client.user_info(openid)
        except WeChatError as exc:
            log.warning("wechat user info unavailable", extra={"error": str(exc)})
            return
        if unionid := info.get("unionid"):
            await record_unionid(RecordUnionid(self.client.app_id, openid, str(unionid)), self.uow())


def add_wechat_routes(app: web.Application, container: Container) -> None:
    """Mounts the callback when an official account is configured (or sandbox mode provides one)."""
    config = resolve_wechat_config(container.settings)
    if config is None:
        return
    client = build_wechat_clients(container, config).official_account
    fetcher = UnionidFetcher(client, container.uow)

    async def after_follow(openid: str) -> None:
        webhook.background(fetcher.fetch(openid))

    bind_link = (
        BindLink(config.miniapp_app_id, config.miniapp_bind_page, container.settings.base_url)
        if config.miniapp_app_id
        else None
    )
    router = build_router(container.uow, after_follow=after_follow, bind_link=bind_link)
    webhook = WeChatWebhook(config, router, container.clock)

    async def drain(_app: web.Application) -> None:
        await webhook.drain()

    app.on_shutdown.append(drain)
    app.router.add_route("GET", CALLBACK_PATH, webhook.handle)
    app.router.add_route("POST", CALLBACK_PATH, webhook.handle)
