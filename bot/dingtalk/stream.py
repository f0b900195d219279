"""Stream mode through the dingtalk-stream SDK: card callbacks, bot messages and contact events.

The SDK is imported lazily: it reads DINGTALK_OPENAPI_ENDPOINT at import, which bootstrap exports
from our settings first. Only the Stream connection is the SDK's; every OpenAPI call is ours.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from bot.availability import count_unavailable, dependency_unavailable
from bot.dingtalk.contacts import ContactEvents
from bot.dingtalk.router import CardActionRouter
from bot.settings import DingTalkSettings
from handlers.errors import DependencyUnavailable

log = logging.getLogger(__name__)
BOT_MESSAGE_TOPIC = "/v1.0/im/bot/messages/get"
_OPEN_LOCK = threading.Lock()


class StreamRunner:
    def __init__(
        self,
        settings: DingTalkSettings,
        router: CardActionRouter,
        contacts: ContactEvents,
        *,
        reconnect_base_seconds: float = 1.0,
        watchdog_interval_seconds: float | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.router = router
        self.contacts = contacts
        self.reconnect_base_seconds = reconnect_base_seconds
        self.watchdog_interval = watchdog_interval_seconds or max(0.05, settings.stream_watchdog_seconds / 4)
        self.monotonic = monotonic
        self.client: Any = None
        self.last_frame = monotonic()
        self.connections = 0  # connections seen by the watchdog, the first included
        self._tasks: list[asyncio.Task[None]] = []

    def build_client(self) -> Any:
        import dingtalk_stream

        runner = self
        open_url = self.settings.api_base_url.rstrip("/") + "/v1.0/gateway/connections/open"

        class Client(dingtalk_stream.DingTalkStreamClient):  # type: ignore[misc]
            RECONNECT_BASE_DELAY_SECONDS = self.reconnect_base_seconds
            RECONNECT_JITTER_SECONDS = self.reconnect_base_seconds

            def open_connection(self) -> Any:
                # The SDK reads the URL from a class attribute computed from the environment at import;
                # point it at our settings for this call (runs in the executor, hence the thread lock).
                with _OPEN_LOCK:
                    dingtalk_stream.DingTalkStreamClient.OPEN_CONNECTION_API = open_url
                    return super().open_connection()

            async def background_task(self, json_message: Any, websocket: Any = None) -> None:
                runner.last_frame = runner.monotonic()
                headers = (json_message.get("headers") or {}) if isinstance(json_message, dict) else {}
                if headers.get("topic") == dingtalk_stream.CallbackHandler.TOPIC_CARD_CALLBACK:
                    # The SDK answers a redelivered messageId from its cache with the first ack, cardData
                    # included, which DingTalk applies to the shared card and can roll it back. The router
                    # answers repeats itself from the database, touching only the presser's tip.
                    # A private attribute of the pinned 0.24.4b1; tolerate its absence rather than lose the ack.
                    getattr(self, "_message_results", {}).pop(headers.get("messageId"), None)
                await super().background_task(json_message, websocket)

        class CardCallbacks(dingtalk_stream.CallbackHandler):  # type: ignore[misc]
            async def raw_process(self, message: Any) -> Any:
                try:
                    return await super().raw_process(message)
                except DependencyUnavailable as exc:
                    # No ack at all (the SDK sends none for None and caches nothing): DingTalk pushes the frame
                    # again, the documented redelivery, rather than an ack that would lose the press. A non-200
                    # ack's effect on a card callback is undocumented.
                    count_unavailable(exc, "dingtalk", exc, message_id=str(message.headers.message_id))
                    return None

            async def process(self, message: Any) -> tuple[int, dict[str, Any]]:
                # dispatch_callback raises only DependencyUnavailable, not even on a malformed frame
                return 200, await runner.router.dispatch_callback(str(message.headers.message_id), message.data)

        class BotMessages(dingtalk_stream.CallbackHandler):  # type: ignore[misc]
            async def process(self, message: Any) -> tuple[int, dict[str, Any]]:
                data = message.data or {}
                log.info(
                    "dingtalk bot message", extra={"msg_id": data.get("msgId"), "sender": data.get("senderStaffId")}
                )
                return 200, {}

        class Events(dingtalk_stream.EventHandler):  # type: ignore[misc]
            async def raw_process(self, event: Any) -> Any:
                # The protocol wants {"status": SUCCESS|LATER}; the SDK would echo the event data instead.
                headers = event.headers
                status = "SUCCESS"
                try:
                    await runner.contacts.handle(
                        message_id=str(headers.message_id),
                        event_type=str(headers.event_type),
                        event_id=str(headers.event_id) if headers.event_id else None,
                        data=dict(event.data or {}),
                    )
                except Exception as exc:
                    if (unavailable := dependency_unavailable(exc)) is not None:
                        count_unavailable(unavailable, "dingtalk_event", exc, event_type=headers.event_type)
                    else:
                        log.exception(
                            "dingtalk event failed; asking for redelivery",
                            extra={"event_type": headers.event_type, "event_id": headers.event_id},
                        )
                    status = "LATER"
                ack = dingtalk_stream.AckMessage()
                # The SDK caches 200 acks per messageId and would answer the redelivery from its cache
                # without running us again; a LATER must therefore not be a 200.
                ack.code = (
                    dingtalk_stream.AckMessage.STATUS_OK
                    if status == "SUCCESS"
                    else dingtalk_stream.AckMessage.STATUS_SYSTEM_EXCEPTION
                )
                ack.headers.message_id = headers.message_id
                ack.headers.content_type = "application/json"
                ack.message = "success" if status == "SUCCESS" else "later"
                ack.data = {"status": status, "message": ack.message}
                return ack

        credential = dingtalk_stream.Credential(self.settings.client_id, self.settings.client_secret.get_secret_value())
        client = Client(
            credential,
            logger=logging.getLogger("bot.dingtalk.sdk"),
            # No proxy for the socket: websockets would otherwise honour HTTPS_PROXY.
            websocket_connect_options={"open_timeout": 10, "ping_interval": 20, "ping_timeout": 20, "proxy": None},
        )
        client.register_callback_handler(dingtalk_stream.CallbackHandler.TOPIC_CARD_CALLBACK, CardCallbacks())
        client.register_callback_handler(BOT_MESSAGE_TOPIC, BotMessages())
        client.register_all_event_handler(Events())
        return client

    async def start(self) -> None:
        self.client = self.build_client()
        self._tasks = [
            asyncio.create_task(self._run(), name="dingtalk-stream"),
            asyncio.create_task(self._watchdog(), name="dingtalk-stream-watchdog"),
        ]
        self.contacts.resume()  # contact events kept but not applied when an instance stopped

    async def _run(self) -> None:
        try:
            await self.client.start()
        except Exception:
            log.exception("dingtalk stream stopped unexpectedly")

    async def _watchdog(self) -> None:
        """Probe a connection that has gone silent; close it if it does not answer, so the SDK reconnects."""
        seen: Any = None
        while True:
            await asyncio.sleep(self.watchdog_interval)
            websocket = self.client.websocket
            if websocket is None:
                continue
            if websocket is not seen:
                seen, self.last_frame = websocket, self.monotonic()
                self.connections += 1
                continue
            silent = self.monotonic() - self.last_frame
            if silent <= self.settings.stream_watchdog_seconds:
                continue
            try:
                pong = await websocket.ping()
                await asyncio.wait_for(pong, self.settings.stream_ping_timeout_seconds)
            except Exception:
                log.warning(
                    "dingtalk stream silent and unanswered; reconnecting", extra={"silent_seconds": round(silent, 1)}
                )
                await websocket.close()
            self.last_frame = self.monotonic()

    async def ready(self) -> bool:
        from websockets.protocol import State

        websocket = self.client.websocket if self.client is not None else None
        return websocket is not None and websocket.state is State.OPEN

    async def stop(self) -> None:
        if self.client is not None:
            await self.client.stop()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []
        await self.contacts.close()  # events still being applied stay pending, resumed at the next start
