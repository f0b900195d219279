"""The sandbox Stream gateway: tickets, the WebSocket, ping/CALLBACK/EVENT frames, acks and redelivery."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from datetime import timedelta
from typing import Any

from aiohttp import WSMsgType, web

from handlers.clock import Clock
from sandbox.dingtalk.state import TICKET_SECONDS, DingTalkSandboxState, PendingFrame, StreamConnection

log = logging.getLogger(__name__)
CARD_TOPIC = "/v1.0/card/instances/callback"
BOT_TOPIC = "/v1.0/im/bot/messages/get"


class NoConnection(Exception):
    """No Stream client is connected that subscribed to the topic."""


class Gateway:
    def __init__(self, state: DingTalkSandboxState, clock: Clock) -> None:
        self.state = state
        self.clock = clock

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v1.0/gateway/connections/open", self.open)
        app.router.add_get("/connect", self.connect)

    async def open(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("clientId") != self.state.client_id or body.get("clientSecret") != self.state.client_secret:
            return web.json_response(
                {"code": "InvalidAuthentication", "message": "clientId或clientSecret不正确"}, status=401
            )
        ticket = uuid.uuid4().hex
        subscriptions = [dict(s) for s in body.get("subscriptions") or []]
        self.state.tickets[ticket] = (self.clock.now() + timedelta(seconds=TICKET_SECONDS), subscriptions)
        base = request.url.path.removesuffix("/v1.0/gateway/connections/open")
        scheme = "wss" if request.url.scheme == "https" else "ws"
        endpoint = str(request.url.with_scheme(scheme).with_path(f"{base}/connect").with_query(None))
        return web.json_response({"endpoint": endpoint, "ticket": ticket})

    async def connect(self, request: web.Request) -> web.StreamResponse:
        entry = self.state.tickets.pop(request.query.get("ticket", ""), None)  # a ticket opens one connection
        if entry is None or entry[0] <= self.clock.now():
            return web.json_response({"code": "InvalidTicket", "message": "ticket 无效或已过期"}, status=401)
        ws = web.WebSocketResponse(autoping=False)
        await ws.prepare(request)
        conn = StreamConnection(uuid.uuid4().hex, ws, entry[1])
        self.state.connections[conn.id] = conn
        pinger = asyncio.ensure_future(self._ping(conn))
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self._on_ack(json.loads(msg.data))
                elif msg.type == WSMsgType.PING and self.state.answer_pings:
                    await ws.pong(msg.data)
        finally:
            pinger.cancel()
            self.state.connections.pop(conn.id, None)
        return ws

    def _on_ack(self, ack: dict[str, Any]) -> None:
        message_id = str((ack.get("headers") or {}).get("messageId", ""))
        self.state.acks.append(ack)
        pending = self.state.pending.get(message_id)
        if pending is None or pending.acked.done():
            return
        try:
            status = json.loads(ack.get("data") or "{}").get("status")
        except (ValueError, AttributeError):
            status = None
        if pending.frame["type"] == "EVENT" and (ack.get("code") != 200 or status == "LATER"):
            return  # not consumed: pushed again after the redelivery delay
        pending.acked.set_result(ack)

    async def _ping(self, conn: StreamConnection) -> None:
        interval = self.state.ping_interval_seconds
        while interval:
            await asyncio.sleep(interval)
            frame = self._frame("SYSTEM", "ping", {"opaque": uuid.uuid4().hex})
            with contextlib.suppress(ConnectionError, RuntimeError):
                await conn.ws.send_str(json.dumps(frame))

    def _frame(self, frame_type: str, topic: str, data: dict[str, Any], **extra: str) -> dict[str, Any]:
        headers = {
            "appId": self.state.client_id,
            "contentType": "application/json",
            "messageId": f"{uuid.uuid4().hex[:8]}_{next(self.state.ids)}",
            "topic": topic,
            "time": str(int(self.clock.now().timestamp() * 1000)),
            **extra,
        }
        return {
            "specVersion": "1.0",
            "type": frame_type,
            "headers": headers,
            "data": json.dumps(data, ensure_ascii=False),
        }

    # --- pushing --------------------------------------------------------------------------------

    async def push(
        self, frame_type: str, topic: str, data: dict[str, Any], *, timeout: float = 5.0, **headers: str
    ) -> dict[str, Any]:
        """Push a frame and wait for its ack; unacked frames are pushed again after the redelivery delay."""
        frame = self._frame(frame_type, topic, data, **headers)
        pending = PendingFrame(frame, asyncio.get_running_loop().create_future())
        self.state.pending[frame["headers"]["messageId"]] = pending
        await self._send(pending)
        self.state.spawn(self._redeliver_until_acked(pending))
        return await asyncio.wait_for(asyncio.shield(pending.acked), timeout)

    async def push_event(self, event_type: str, data: dict[str, Any]) -> None:
        """Contact events are fire-and-forget for the caller; redelivery still applies."""
        event_id = uuid.uuid4().hex
        born = str(int(self.clock.now().timestamp() * 1000))
        payload = {"eventId": event_id, "timeStamp": born, "corpId": self.state.corp_id, **data}

        async def go() -> None:
            with contextlib.suppress(NoConnection, TimeoutError):
                await self.push(
                    "EVENT",
                    event_type,
                    payload,
                    eventType=event_type,
                    eventId=event_id,
                    eventCorpId=self.state.corp_id,
                    eventBornTime=born,
                    eventUnifiedAppId=self.state.client_id,
                )

        self.state.spawn(go())

    async def redeliver(self, message_id: str, *, timeout: float = 5.0) -> dict[str, Any]:
        """Push a frame again with the same messageId, as DingTalk does when it doubts an ack."""
        old = self.state.pending[message_id]
        again = PendingFrame(old.frame, asyncio.get_running_loop().create_future(), old.deliveries)
        self.state.pending[message_id] = again
        await self._send(again)
        return await asyncio.wait_for(asyncio.shield(again.acked), timeout)

    async def _send(self, pending: PendingFrame) -> None:
        headers = pending.frame["headers"]
        frame_type = pending.frame["type"]
        topic = "*" if frame_type == "EVENT" else headers["topic"]
        targets = [c for c in self.state.connections.values() if c.subscribed(frame_type, topic) and not c.ws.closed]
        if not targets:
            raise NoConnection(topic)
        pending.deliveries += 1
        # DingTalk picks one connection at random; unless asked to spread, the newest is as good a pick and keeps
        # tests stable.
        target = self.state.rng.choice(targets) if self.state.spread_pushes else targets[-1]
        await target.ws.send_str(json.dumps(pending.frame))

    async def _redeliver_until_acked(self, pending: PendingFrame) -> None:
        message_id = pending.frame["headers"]["messageId"]
        while pending.deliveries <= self.state.max_redeliveries:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(pending.acked), self.state.redelivery_seconds)
                return
            if self.state.pending.get(message_id) is not pending:
                return
            with contextlib.suppress(NoConnection, ConnectionError, RuntimeError):
                await self._send(pending)

    async def disconnect(self, reason: str = "persistent connection is timeout") -> int:
        """The server's `disconnect` system frame; the socket closes after the grace period if the client lingers."""
        conns = list(self.state.connections.values())
        for conn in conns:
            frame = self._frame("SYSTEM", "disconnect", {"reason": reason})
            await conn.ws.send_str(json.dumps(frame))
            self.state.spawn(self._close_later(conn))
        return len(conns)

    async def _close_later(self, conn: StreamConnection) -> None:
        await asyncio.sleep(self.state.disconnect_grace_seconds)
        await conn.ws.close()

    async def close_all(self) -> None:
        for conn in list(self.state.connections.values()):
            await conn.ws.close()
