"""The official account's callback: GET handshake, POST pushes in plain and safe mode.

Order of work: authenticate (403 on any bad signature, before anything is parsed or written),
open and parse, dispatch to a listener under a deadline, then answer — an encrypted reply when
there is something to say, plain `success` otherwise.

The listener runs in the request's own task: no task, shield or timeout object per push (with the two
event-loop trips they cost, the largest part of what a push spent beyond its crypto; docs/benchmarks.md).
Only a listener still busy at the deadline makes the answer go out early, from a timer, while it
finishes where it is.
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
        self._latency = metrics.callback_latency.labels("wechat")
        # Work that goes on after the answer (late listeners, background()); kept so drain() can wait for it.
        self._late: set[asyncio.Future[Any]] = set()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        started = time.perf_counter()
        response: web.StreamResponse | None = None
        try:
            response = await self._handle(request, started)
            return response
        finally:
            if response is None or not response.prepared:  # an early answer observed its own latency
                self._latency.observe(time.perf_counter() - started)

    async def _handle(self, request: web.Request, started: float) -> web.StreamResponse:
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
        deadline = _Deadline(self, request, message, started)
        timer = asyncio.get_running_loop().call_later(self.config.reply_deadline_seconds, deadline.expire)
        try:
            reply = await self.router.dispatch(message)
        except RetryLater as exc:
            if deadline.answered is not None:
                return await deadline.finish(exc)
            log.info("wechat push deferred to a retry", extra={"reason": str(exc)})
            return web.Response(status=503, text="retry later")
        except Exception as exc:
            if deadline.answered is not None:
                return await deadline.finish(exc)
            # The database or Redis unreachable: nothing was recorded; without `success` WeChat pushes it again.
            if (unavailable := dependency_unavailable(exc)) is None:
                raise
            count_unavailable(unavailable, "wechat", exc, msg_type=message.msg_type, event=message.event)
            return web.Response(status=503, text="retry later", headers={"Retry-After": str(unavailable.retry_after)})
        finally:
            timer.cancel()
        if deadline.answered is not None:
            return await deadline.finish(None)
        if not reply:
            return web.Response(text=SUCCESS)
        xml = reply_xml(message.from_user, message.to_user, int(self.clock.now().timestamp()), reply)
        if key_index is not None and self.crypto is not None:
            xml = self.crypto.seal(xml, timestamp, nonce, key_index=key_index)
        return web.Response(text=xml, content_type="application/xml")

    def _fresh(self, timestamp: str) -> bool:
        try:
            sent = int(timestamp)
        except ValueError:
            return False
        return abs(self.clock.now().timestamp() - sent) <= self.config.timestamp_window_seconds

    def _settle_late(self, task: asyncio.Future[Any]) -> None:
        self._late.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.error("late wechat work failed", exc_info=exc)

    def background(self, work: Awaitable[None]) -> None:
        """Work that must not delay the answer; kept, and failures logged."""
        task: asyncio.Future[Any] = asyncio.ensure_future(work)
        self._late.add(task)
        task.add_done_callback(self._settle_late)

    async def drain(self) -> None:
        while self._late:
            await asyncio.gather(*list(self._late), return_exceptions=True)


class _Deadline:
    """A listener still busy at the reply deadline: `success` goes out at once (it stops WeChat's retries)
    from a task of its own, and the listener finishes in the request's task; its effect still commits."""

    def __init__(self, webhook: WeChatWebhook, request: web.Request, message: InboundMessage, started: float):
        self.webhook = webhook
        self.request = request
        self.message = message
        self.started = started
        self.answered: asyncio.Task[web.StreamResponse] | None = None
        self.finished: asyncio.Future[None] | None = None

    def expire(self) -> None:
        log.warning(
            "wechat listener missed the reply deadline",
            extra={"msg_type": self.message.msg_type, "event": self.message.event},
        )
        self.answered = asyncio.ensure_future(self._answer())
        # drain() waits for the listener as for any late work.
        self.finished = asyncio.get_running_loop().create_future()
        self.webhook._late.add(self.finished)
        self.finished.add_done_callback(self.webhook._settle_late)

    async def _answer(self) -> web.StreamResponse:
        response = web.Response(text=SUCCESS)
        await response.prepare(self.request)
        await response.write_eof()
        self.webhook._latency.observe(time.perf_counter() - self.started)
        return response

    async def finish(self, error: BaseException | None) -> web.StreamResponse:
        """The listener is done: its reply comes too late to send. Already answered `success`, WeChat will not push
        again, so a failure loses the push (logged with its cause by _settle_late)."""
        assert self.answered is not None and self.finished is not None
        if error is None:
            self.finished.set_result(None)
        else:
            self.finished.set_exception(error)
        return await self.answered


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
    app.router.add_route("GET", CALLBACK_PATH, webhook.handle)
    app.router.add_route("POST", CALLBACK_PATH, webhook.handle)
