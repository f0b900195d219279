"""Relay channel adapters for DingTalk: read an outbox row with its `cards.outbound.dingtalk` class, make one
OpenAPI call, map the outcome.

Channels: card (create and deliver), card update, work notice, robot message, to-do. Rates per channel are the
relay's; the per-app budget is the client's.
"""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from bot.channels.base import (
    ChannelPaused,
    Deferred,
    Delivered,
    OutboundMessage,
    PermanentError,
    Related,
    TransientError,
    read,
)
from bot.coordination import Coordination
from bot.dingtalk.client import DingTalkClient
from bot.dingtalk.errors import (
    OUT_TRACK_ID_TAKEN,
    DingTalkError,
    DingTalkQuotaExhausted,
    DingTalkServerError,
    DingTalkThrottled,
    DingTalkUnreachable,
)
from cards.outbound import Channel
from cards.outbound.dingtalk import (
    CARD_CHANNELS,
    CardCreate,
    CardMessage,
    CardUpdate,
    PrivateData,
    RobotMessage,
    TodoComplete,
    TodoCreate,
    WorkNotice,
    current_card,
    read_card,
    read_todo,
)
from handlers.clock import Clock


def translate(exc: DingTalkError, *, now: datetime, timezone: ZoneInfo) -> NoReturn:
    """The relay's view of a DingTalk failure: try later, give up, or pause the channel."""
    if isinstance(exc, DingTalkQuotaExhausted):
        local = now.astimezone(timezone)
        days = calendar.monthrange(local.year, local.month)[1] - local.day + 1
        until = datetime.combine(local.date() + timedelta(days=days), datetime.min.time(), timezone)
        raise ChannelPaused(f"monthly API quota spent: {exc}", until=until) from exc
    if exc.transient:
        retry_after = exc.retry_after if isinstance(exc, DingTalkThrottled) else None
        raise TransientError(str(exc), retry_after=retry_after) from exc
    raise PermanentError(str(exc)) from exc


class _DingTalkChannel:
    name = ""

    def __init__(self, client: DingTalkClient, clock: Clock, timezone: ZoneInfo) -> None:
        self.client = client
        self.clock = clock
        self.timezone = timezone

    async def send(self, message: OutboundMessage) -> Delivered:
        try:
            return await self._send(message)
        except DingTalkError as exc:
            translate(exc, now=self.clock.now(), timezone=self.timezone)
        except (KeyError, TypeError, ValueError) as exc:
            # A payload this adapter cannot read will not read better next time.
            raise PermanentError(f"malformed {self.name} payload: {exc!r}") from exc

    async def _send(self, message: OutboundMessage) -> Delivered:
        raise NotImplementedError


def card_state(message: OutboundMessage, own: CardMessage) -> tuple[dict[str, str], PrivateData]:
    """The card as its messages leave it (`cards.outbound.dingtalk.current_card`): this message's create and every
    update of its ordering key, each read with the class its use case wrote it with."""
    rows = [read_card(_with_track_id(r), r.channel) for r in message.related if r.channel in CARD_CHANNELS]
    return current_card(rows or [own])


def _with_track_id(row: Related) -> Related:
    """A create's row names its card by its platform key; a row written without one used its outbox id."""
    return row if row.platform_key else replace(row, platform_key=f"outbox:{row.id}")


class CardChannel(_DingTalkChannel):
    """A `CardCreate`: the outbox row's platform key is the outTrackId, its ordering key shared with the card's
    updates."""

    name = Channel.DINGTALK_CARD

    async def _send(self, message: OutboundMessage) -> Delivered:
        card = read(CardCreate, replace(message, platform_key=message.platform_key or f"outbox:{message.id}"))
        out_track_id = card.out_track_id
        card_data, private_data = card_state(message, card)
        try:
            result = await self.client.create_and_deliver_card(
                template_id=card.template_id,
                out_track_id=out_track_id,
                user_id=card.recipient,
                card_data=card_data,
                private_data=private_data or None,
            )
        except DingTalkError as exc:
            if exc.code != OUT_TRACK_ID_TAKEN or message.attempt <= 1:
                raise  # on a first attempt the id belongs to another message: a dead letter
            # An earlier attempt created the card but its answer was lost: it is delivered. Set the data
            # this message carries, in case the card was created from an older copy or changed since.
            await self.client.update_card(
                out_track_id=out_track_id, card_data=card_data, private_data=private_data or None
            )
            return Delivered(provider_message_id=out_track_id)
        if not result.success:
            raise PermanentError(f"card not delivered to {card.recipient}: {result.error}")
        return Delivered(provider_message_id=result.out_track_id)


class CardUpdateChannel(_DingTalkChannel):
    """A `CardUpdate`, sent only after the card's create (the relay holds it until then); it sets the card's
    current data."""

    name = Channel.DINGTALK_CARD_UPDATE

    async def _send(self, message: OutboundMessage) -> Delivered:
        update = read(CardUpdate, message)
        creates = [r for r in message.related if r.channel == Channel.DINGTALK_CARD]
        if creates and not any(r.status == "sent" for r in creates):
            # DingTalk would answer param.outTrackIdNotExist. Replaying the create sends the card as it is now.
            raise PermanentError(
                f"card {update.out_track_id} was never created: its create, outbox #{creates[0].id}, "
                f"is {creates[0].status}"
            )
        card_data, private_data = card_state(message, update)
        await self.client.update_card(
            out_track_id=update.out_track_id,
            card_data=card_data or None,
            private_data=private_data or None,
        )
        return Delivered(provider_message_id=update.out_track_id)


class WorkNoticeChannel(_DingTalkChannel):
    """A `WorkNotice`. DingTalk delivers the same content to a user once a day and drops anything past 500 a day, both
    silently, so each notice carries its record and outbox numbers (and creation time, if given), and
    we stop at the cap ourselves.
    """

    name = Channel.DINGTALK_WORK_NOTICE

    def __init__(
        self,
        client: DingTalkClient,
        clock: Clock,
        timezone: ZoneInfo,
        coordination: Coordination,
        *,
        daily_per_user: int,
    ) -> None:
        super().__init__(client, clock, timezone)
        self.coordination = coordination
        self.daily_per_user = daily_per_user

    async def _send(self, message: OutboundMessage) -> Delivered:
        # The stamp depends on the message only, never on the attempt: a retry after a timeout (DingTalk
        # may have acted) sends the very same content, which DingTalk's same-content rule then suppresses.
        notice = read(WorkNotice, message)
        msg = stamp(notice.msg, self._stamp_line(message.id, notice))
        local = self.clock.now().astimezone(self.timezone)
        counter, period = f"dingtalk:work_notice:{message.recipient}", local.date().isoformat()
        if not await self.coordination.count_within(counter, period=period, cap=self.daily_per_user):
            raise Deferred(
                f"{self.daily_per_user} work notices to {message.recipient} today; DingTalk would drop more",
                until=datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), self.timezone),
            )
        try:
            task_id = await self.client.send_work_notice([message.recipient], msg)
        except (DingTalkUnreachable, DingTalkServerError):
            raise  # DingTalk may have accepted it: the notice keeps its place under the cap
        except DingTalkError:
            # Refused without acting: only notices DingTalk took count towards the day's cap.
            await self.coordination.redis.decr(self.coordination.key("count", counter, period))
            raise
        return Delivered(provider_message_id=task_id)

    def _stamp_line(self, outbox_id: int, notice: WorkNotice) -> str:
        parts = [f"编号 {notice.record}"] if notice.record else []
        parts.append(f"通知 #{outbox_id}")
        if created := notice.created_at:
            at = datetime.fromisoformat(created)
            at = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
            parts.append(f"{at.astimezone(self.timezone):%Y-%m-%d %H:%M}")
        return " · ".join(parts)


def stamp(msg: dict[str, Any], line: str) -> dict[str, Any]:
    """The message with a unique line appended to its visible text."""
    kind = msg.get("msgtype")
    field = {"text": "content", "markdown": "text", "action_card": "markdown"}.get(str(kind))
    if field is None:
        raise PermanentError(f"unsupported work notice msgtype {kind!r}")
    body = dict(msg[str(kind)])
    separator = "\n\n" if kind != "text" else "\n"
    body[field] = f"{body.get(field, '')}{separator}{line}"
    return {**msg, str(kind): body}


class RobotChannel(_DingTalkChannel):
    """A `RobotMessage`, sent 1:1 by our robot."""

    name = Channel.DINGTALK_ROBOT

    async def _send(self, message: OutboundMessage) -> Delivered:
        robot = read(RobotMessage, message)
        [result] = await self.client.send_robot_messages([robot.recipient], robot.msg_key, robot.msg_param)
        if message.recipient in result.invalid:
            raise PermanentError(f"not a member the robot can reach: {message.recipient}")
        if message.recipient in result.flow_controlled:
            raise TransientError(f"robot messages to {message.recipient} are flow-controlled")
        return Delivered(provider_message_id=result.process_query_key)


class TodoChannel(_DingTalkChannel):
    """A `TodoCreate` or a `TodoComplete`, both with the ordering key `cards.keys.todo_key(source_id)`, so a
    completion goes out after its create succeeded and reads the to-do's id from it."""

    name = Channel.DINGTALK_TODO

    async def _send(self, message: OutboundMessage) -> Delivered:
        todo = read_todo(message)  # a row it cannot read is a dead letter (see send)
        if isinstance(todo, TodoComplete):
            task_id = todo.task_id or next(
                (
                    r.provider_message_id
                    for r in message.related
                    if r.payload.get("op") == TodoCreate.op and r.status == "sent" and r.provider_message_id
                ),
                None,
            )
            if task_id is None:
                # Its create was not needed (decided first) or is dead: there is no to-do to complete.
                return Delivered(provider_message_id=None, delivery_status="no_todo")
            union_id = str((await self.client.user(todo.recipient))["unionid"])
            await self.client.complete_todo(union_id=union_id, task_id=task_id)
            return Delivered(provider_message_id=task_id)
        if any(r.id > message.id and r.payload.get("op") == TodoComplete.op for r in message.related):
            # Completed before it was created (a review decided at once): a to-do nobody needs is not created.
            return Delivered(provider_message_id=None, delivery_status="not_needed")
        union_id = str((await self.client.user(todo.recipient))["unionid"])
        task_id = await self.client.create_todo(
            union_id=union_id,
            subject=todo.subject,
            source_id=todo.source_id,
            description=todo.description,
            detail_url=todo.detail_url,
            due_time_ms=todo.due_ms,
        )
        return Delivered(provider_message_id=task_id)
