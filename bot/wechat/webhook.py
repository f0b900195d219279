"""The official account's callback: GET handshake, POST pushes in plain and safe mode.

Order of work: authenticate (403 on any bad signature, before anything is parsed or written),
open and parse, dispatch to a listener under a deadline, then answer — an encrypted reply when
there is something to say, plain `success` otherwise.

A listener with an effect runs in a task of its own, so that it finishes (and its effect commits) even
when the answer went out at the deadline or the connection closed; the request waits for it on one
future that the task or a timer completes, without the shield and timeout objects per push. A listener
marked immediate (answers from memory, e.g. 帮助) is awaited in the request: nothing to finish later,
nothing to time out (docs/benchmarks.md).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot import metrics
from bot.availability import count_unavailable, dependency_unavailable
from bot.front_door import add_direct_route
from bot.wechat.client import WeChatClient, WeChatError
from bot.wechat.clients import build_wechat_clients
from bot.wechat.config import WeChatConfig, resolve_wechat_config
from bot.wechat.crypto import (
    DecryptError,
    MessageCrypto,
    SignatureError,
    XmlError,
    cdata,
    check_signature,
    parse_xml,
)
from bot.wechat.listeners import build_router
from bot.wechat.router import InboundMessage, Listener, MessageRouter, RetryLater
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
        self._latency = metrics.callback_tally("wechat")
        # Work that goes on after the answer (late listeners, background()); kept so drain() can wait for it.
        self._late: set[asyncio.Future[Any]] = set()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        started = time.perf_counter()
        try:
            return await self._handle(request)
        finally:
            self._latency.observe(time.perf_counter() - started)

    async def _handle(self, request: web.Request) -> web.Response:
        query = request.query
        timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
        if not check_signature(self.config.token, query.get("signature", ""), timestamp, nonce):
            return web.Response(status=403, text="invalid signature")
        if request.method == "GET":
            return web.Response(text=query.get("echostr", ""))  # verbatim, even in safe mode
        now = self._now(timestamp)
        if now is None:
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
            listener = self.router.resolve(message)
            if listener is None:
                reply = None
            elif self.router.is_immediate(listener):
                reply = await listener(message)
            else:
                reply = await self._dispatch(listener, message)
                now = int(self.clock.now().timestamp())  # the reply's CreateTime: when it is answered
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
        xml = reply_xml(message.from_user, message.to_user, now, reply)
        if key_index is not None and self.crypto is not None:
            xml = self.crypto.seal(xml, timestamp, nonce, key_index=key_index)
        return web.Response(text=xml, content_type="application/xml")

    def _now(self, timestamp: str) -> int | None:
        """The clock's time in whole seconds (the reply's CreateTime), or None when the push was signed
        outside the window."""
        try:
            sent = int(timestamp)
        except ValueError:
            return None
        now = self.clock.now().timestamp()
        return int(now) if abs(now - sent) <= self.config.timestamp_window_seconds else None

    async def _dispatch(self, listener: Listener, message: InboundMessage) -> str | None:
        loop = asyncio.get_running_loop()
        task: asyncio.Future[str | None] = asyncio.ensure_future(listener(message))  # a task of its own
        # One future the listener's end or the deadline completes: cheaper than shield() and asyncio.timeout().
        waiter: asyncio.Future[None] = loop.create_future()
        wake = functools.partial(_wake, waiter)
        task.add_done_callback(wake)
        timer = loop.call_later(self.config.reply_deadline_seconds, wake, None)
        try:
            await waiter  # cancelled with the request (a closed connection, shutdown); the listener goes on
        except asyncio.CancelledError:
            self._keep(task)
            raise
        finally:
            timer.cancel()
        if task.done():
            return task.result()
        # Answering `success` stops WeChat's retries; the effect still commits in the background.
        log.warning(
            "wechat listener missed the reply deadline", extra={"msg_type": message.msg_type, "event": message.event}
        )
        self._keep(task)
        return None

    def _keep(self, task: asyncio.Future[Any]) -> None:
        self._late.add(task)
        task.add_done_callback(self._settle_late)

    def _settle_late(self, task: asyncio.Future[Any]) -> None:
        self._late.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.error("late wechat work failed", exc_info=exc)

    def background(self, work: Awaitable[None]) -> None:
        """Work that must not delay the answer; kept, and failures logged."""
        self._keep(asyncio.ensure_future(work))

    async def drain(self) -> None:
        while self._late:
            await asyncio.gather(*list(self._late), return_exceptions=True)


def _wake(waiter: asyncio.Future[None], _done: object) -> None:
    if not waiter.done():
        waiter.set_result(None)


def reply_xml(to_user: str, from_user: str, create_time: int, content: str) -> str:
    """A passive text reply, the same as render_xml gives for these fields, in one format."""
    return (
        f"<xml><ToUserName>{cdata(to_user)}</ToUserName><FromUserName>{cdata(from_user)}</FromUserName>"
        f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{cdata(content)}</Content></xml>"
    )


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
    # Ahead of the router and the generic middlewares under `kezhuan serve` (bot.front_door).
    add_direct_route(app, CALLBACK_PATH, ("GET", "POST"), webhook.handle)
