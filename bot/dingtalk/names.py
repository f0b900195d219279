"""The presser's DingTalk name, for a card's 「已由张三通过」: kept a day in the shared cache, and asked of DingTalk
once however many presses of the same person arrive together (a phone and a PC, the first presses after the
cache lapsed) — DingTalk's per-app call budget is better spent elsewhere."""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from bot.coordination import Coordination

NAME_TTL_SECONDS = 86400.0


class LookupAbandoned(RuntimeError):
    """The press that was asking DingTalk went away (its own time ran out): those sharing its answer ask anew."""


class Users(Protocol):
    async def user(self, user_id: str) -> dict[str, Any]: ...  # DingTalkClient.user: /topapi/v2/user/get


class PresserNames:
    def __init__(self, client: Users, coordination: Coordination) -> None:
        self._client = client
        self._coordination = coordination
        self._asking: dict[str, asyncio.Future[str]] = {}

    async def __call__(self, user_id: str) -> str:
        key = f"dingtalk:name:{user_id}"
        cached = await self._coordination.get(key)
        if cached is not None:
            return cached
        asking = self._asking.get(user_id)
        if asking is not None:
            # Shielded: a waiter whose own time runs out must not cancel the lookup the others wait on.
            return await asyncio.shield(asking)
        answer: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._asking[user_id] = answer
        try:
            name = str((await self._client.user(user_id)).get("name") or user_id)
            await self._coordination.put(key, name, ttl_seconds=NAME_TTL_SECONDS)
        except BaseException as exc:
            # Waiters get an ordinary exception, never this task's cancellation, and fall back as on any failure.
            answer.set_exception(exc if isinstance(exc, Exception) else LookupAbandoned(user_id))
            answer.exception()  # retrieved: nobody may be waiting
            raise
        else:
            answer.set_result(name)
            return name
        finally:
            del self._asking[user_id]
