"""The card-action router: action id → typed params → listener, once per press, effect before ack.

A press repeated from the phone or a frame redelivered by DingTalk finds its business key already
written (in the transaction of the effect), changes nothing, and answers only the presser's tip.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bot import metrics
from bot.availability import dependency_unavailable
from cards.actions import CardAction
from cards.replies import DUPLICATE, FAILED, INVALID, UNKNOWN, tip
from handlers.errors import DomainError
from handlers.transactions import Claim, transact
from store.inbox import Inbound, first_reply
from store.transaction import Transaction
from store.uow import UnitOfWork

log = logging.getLogger(__name__)
P = TypeVar("P", bound=BaseModel)
NAME_LOOKUP_SECONDS = 1.0
# Presses this process answered lately: a redelivered frame or a repeat from the phone (which DingTalk
# mostly sends back over the same connection) is answered without a transaction. The database's claim stays
# the rule: another instance, or a press older than these, finds it there.
RECENT_PRESSES = 4096


@dataclass(frozen=True)
class CardPress:
    message_id: str
    out_track_id: str
    user_id: str
    corp_id: str
    action_id: str
    params: dict[str, Any]

    @property
    def key(self) -> str:
        identity = json.dumps([self.out_track_id, self.user_id, self.action_id, self.params], sort_keys=True)
        return "card:" + hashlib.sha256(identity.encode()).hexdigest()[:59]

    @classmethod
    def from_callback(cls, message_id: str, data: object) -> CardPress:
        """`data` of a /v1.0/card/instances/callback frame; `content` is itself a JSON string.

        Raises ValueError when the frame is not shaped like a card callback."""
        if not isinstance(data, dict):
            raise ValueError(f"card callback data is not an object: {type(data).__name__}")
        content = data.get("content") or "{}"
        decoded = json.loads(content) if isinstance(content, str) else content
        if not isinstance(decoded, dict):
            raise ValueError(f"card callback content is not an object: {type(decoded).__name__}")
        private = decoded.get("cardPrivateData") or {}
        if not isinstance(private, dict):
            raise ValueError("cardPrivateData is not an object")
        action_ids = private.get("actionIds") or [""]
        if not isinstance(action_ids, list) or not isinstance(private.get("params") or {}, dict):
            raise ValueError("actionIds is not a list or params is not an object")
        return cls(
            message_id=message_id,
            out_track_id=str(data.get("outTrackId", "")),
            user_id=str(data.get("userId", "")),
            corp_id=str(data.get("corpId", "")),
            action_id=str(action_ids[0]),
            params=dict(private.get("params") or {}),
        )


@dataclass(frozen=True)
class CardReply:
    card_data: dict[str, str] = field(default_factory=dict)
    private_data: dict[str, str] = field(default_factory=dict)

    def to_response(self) -> dict[str, Any]:
        """The ack's `response`: DingTalk applies it to the card at once."""
        response: dict[str, Any] = {
            "cardUpdateOptions": {"updateCardDataByKey": True, "updatePrivateDataByKey": True},
        }
        if self.card_data:
            response["cardData"] = {"cardParamMap": self.card_data}
        # Every answer sets the presser's tip, so an earlier 「操作未成功」 does not outlive a success.
        response["userPrivateData"] = {"cardParamMap": {"tip": "", **self.private_data}}
        return response


@dataclass
class CardContext:
    press: CardPress
    tx: Transaction  # the press's open transaction, with its key claimed: the router commits it
    presser_name: str  # the userid when the route asked for no name


Listener = Callable[[CardContext, Any], Awaitable[CardReply]]


@dataclass(frozen=True)
class _Route:
    params: type[BaseModel]
    listener: Listener
    named: bool


class CardActionRouter:
    def __init__(self, uow: Callable[[], UnitOfWork], names: Callable[[str], Awaitable[str]] | None = None) -> None:
        self._uow = uow
        self._names = names
        self._routes: dict[str, _Route] = {}
        self._recent: OrderedDict[str, dict[str, Any]] = OrderedDict()

    def action(
        self, action: CardAction, params: type[P], *, named: bool = True
    ) -> Callable[[Callable[[CardContext, P], Awaitable[CardReply]]], Callable[[CardContext, P], Awaitable[CardReply]]]:
        def register(
            listener: Callable[[CardContext, P], Awaitable[CardReply]],
        ) -> Callable[[CardContext, P], Awaitable[CardReply]]:
            if str(action) in self._routes:
                raise ValueError(f"card action {action} registered twice")
            self._routes[str(action)] = _Route(params, listener, named)
            return listener

        return register

    async def dispatch_callback(self, message_id: str, data: object) -> dict[str, Any]:
        """A raw callback frame's data to an answer. Raises only DependencyUnavailable (the database or Redis
        cannot be reached, nothing was done): the frame is then left unacknowledged so DingTalk pushes it again.
        Anything else gets an answer, since no ack means redeliveries while the phone shows an error."""
        try:
            press = CardPress.from_callback(message_id, data)
        except ValueError:  # json.JSONDecodeError included
            log.warning("malformed card callback", extra={"message_id": message_id}, exc_info=True)
            return CardReply(private_data=tip(INVALID)).to_response()
        return await self.dispatch(press)

    async def dispatch(self, press: CardPress) -> dict[str, Any]:
        """Every press gets an answer DingTalk can show, unless the database or Redis is unreachable
        (DependencyUnavailable: leave it unacknowledged, the redelivery finds them back)."""
        started = time.perf_counter()
        try:
            return await self._dispatch(press)
        finally:
            metrics.callback_latency.labels("dingtalk").observe(time.perf_counter() - started)

    async def _dispatch(self, press: CardPress) -> dict[str, Any]:
        context = {
            "action": press.action_id,
            "out_track_id": press.out_track_id,
            "user_id": press.user_id,
            "message_id": press.message_id,
        }
        route = self._routes.get(press.action_id)
        if route is None:
            log.warning("unknown card action", extra=context)
            return CardReply(private_data=tip(UNKNOWN)).to_response()
        try:
            params = route.params.model_validate(press.params)
        except ValidationError as exc:
            log.warning("card action with invalid params", extra={**context, "errors": exc.errors()})
            return CardReply(private_data=tip(INVALID)).to_response()
        try:
            return await self._run_once(press, route, params)
        except Exception as exc:
            if (unavailable := dependency_unavailable(exc)) is not None:
                raise unavailable from exc  # the transaction was rolled back: nothing of the press is kept
            log.exception("card action failed", extra=context)
            return CardReply(private_data=tip(FAILED)).to_response()

    async def _run_once(self, press: CardPress, route: _Route, params: BaseModel) -> dict[str, Any]:
        answered = self._recent.get(press.key)
        if answered is not None:
            return _repeat(answered)
        # Only a listener that shows the presser's DingTalk name waits for it (a cache round trip, or DingTalk).
        name = await self._name(press.user_id) if route.named else press.user_id

        async def first(tx: Transaction) -> tuple[dict[str, Any], bool]:
            return (await route.listener(CardContext(press, tx, name), params)).to_response(), True

        async def again(tx: Transaction) -> tuple[dict[str, Any], bool]:
            return _repeat(await first_reply(tx.session, press.key)), False

        claim = Claim(press.key, Inbound.CARD_ACTION, again, reply=lambda done: done[0], message_id=press.message_id)
        try:
            # A clash that outlives the attempts (the same record changed concurrently each time) is a failure.
            reply, acted = await transact(self._uow(), first, claim=claim, clash=None)
        except DomainError as exc:
            # Refused: only the presser is told, and nothing is kept (the press key neither), so the same press
            # made right (a reason typed in) counts.
            return CardReply(private_data=tip(exc.message)).to_response()
        if acted:
            self._remember(press.key, reply)
        return reply

    def forget_answers(self) -> None:
        """What a restart does: later repeats are answered from the database's claim, as on another instance."""
        self._recent.clear()

    def _remember(self, key: str, reply: dict[str, Any]) -> None:
        self._recent[key] = reply
        if len(self._recent) > RECENT_PRESSES:
            self._recent.popitem(last=False)

    async def _name(self, user_id: str) -> str:
        if self._names is None:
            return user_id
        try:
            # The name is a nicety on the card; it must not hold up the ack behind DingTalk retries.
            async with asyncio.timeout(NAME_LOOKUP_SECONDS):
                return await self._names(user_id)
        except Exception:
            log.warning("presser name unavailable", extra={"user_id": user_id}, exc_info=True)
            return user_id


def _repeat(first: dict[str, Any]) -> dict[str, Any]:
    """The answer to a press already acted upon. DingTalk applies every ack to the shared card, and the
    card may have moved on since the first answer, so a repeat touches only the presser's own tip: the
    status the first answer gave (「已由林管理通过」, so the second device says who decided), else 「已处理」."""
    status = ((first.get("cardData") or {}).get("cardParamMap") or {}).get("status")
    return CardReply(private_data=tip(status if isinstance(status, str) and status else DUPLICATE)).to_response()
