"""The card-action router: typed params, one effect per press, effect before ack, polite failures."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel
from sqlalchemy import func, select

from bot.bootstrap import Container
from bot.dingtalk.listeners import register_all
from bot.dingtalk.router import CardActionRouter, CardContext, CardPress, CardReply
from cards.actions import CardAction
from cards.replies import FAILED, INVALID, UNKNOWN
from store.models.audit import AuditEntry
from store.models.dingtalk import DingTalkInbound
from tests.policies import SUBJECTS


def press(action: str = CardAction.ACKNOWLEDGE, *, message_id: str = "m1", **params: str) -> CardPress:
    data = {
        "outTrackId": "ack:n1:dt-zhang",
        "userId": "dt-zhang",
        "corpId": "ding1",
        "content": json.dumps({"cardPrivateData": {"actionIds": [action], "params": params}}),
    }
    return CardPress.from_callback(message_id, data)


def router(container: Container) -> CardActionRouter:
    async def names(user_id: str) -> str:
        return {"dt-zhang": "张三"}[user_id]

    built = CardActionRouter(container.uow, names=names)
    register_all(built, review_subjects=SUBJECTS)
    return built


async def count(container: Container, model: type[AuditEntry] | type[DingTalkInbound]) -> int:
    async with container.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_press_commits_then_acks_with_the_true_state(container: Container) -> None:
    reply = await router(container).dispatch(press(notice_id="n1"))
    assert reply["cardData"]["cardParamMap"] == {"status": "已由张三确认收到", "acknowledged": "true"}
    assert reply["userPrivateData"]["cardParamMap"] == {"tip": ""}  # clears an earlier failure notice
    assert await count(container, AuditEntry) == 1


async def test_repeated_press_or_redelivered_frame_has_no_second_effect(container: Container) -> None:
    r = router(container)
    first = await r.dispatch(press(notice_id="n1", message_id="m1"))
    assert "cardData" in first
    # The repeat tells the presser what the first press did, and leaves the shared card alone.
    repeat = {
        "cardUpdateOptions": first["cardUpdateOptions"],
        "userPrivateData": {"cardParamMap": {"tip": "已由张三确认收到"}},
    }
    assert await r.dispatch(press(notice_id="n1", message_id="m1")) == repeat  # redelivered frame
    assert await r.dispatch(press(notice_id="n1", message_id="m2")) == repeat  # pressed again on the phone
    assert await count(container, AuditEntry) == 1
    assert await count(container, DingTalkInbound) == 1


async def test_unknown_action_and_bad_params_get_a_polite_answer(container: Container) -> None:
    r = router(container)
    assert (await r.dispatch(press("no.such.action")))["userPrivateData"]["cardParamMap"] == {"tip": UNKNOWN}
    assert (await r.dispatch(press(wrong="x")))["userPrivateData"]["cardParamMap"] == {"tip": INVALID}
    assert await count(container, DingTalkInbound) == 0


async def test_failing_handler_gets_a_polite_ack_and_commits_nothing(container: Container) -> None:
    class Params(BaseModel):
        notice_id: str

    r = CardActionRouter(container.uow)

    @r.action(CardAction.ACKNOWLEDGE, Params)
    async def half_done(ctx: CardContext, params: Params) -> CardReply:
        ctx.tx.record("notice", params.notice_id, "acknowledged", actor=ctx.press.user_id)
        raise RuntimeError("the use case broke after its first write")

    reply = await r.dispatch(press(notice_id="n1"))
    assert reply["userPrivateData"]["cardParamMap"] == {"tip": FAILED}
    assert "cardData" not in reply  # the card keeps its state: nothing happened
    assert await count(container, AuditEntry) == 0
    assert await count(container, DingTalkInbound) == 0


async def test_slow_name_lookup_does_not_hold_up_the_ack(container: Container, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    from bot.dingtalk import router as router_module

    monkeypatch.setattr(router_module, "NAME_LOOKUP_SECONDS", 0.05)

    async def stuck(_user_id: str) -> str:
        await asyncio.sleep(10)
        return "never"

    r = CardActionRouter(container.uow, names=stuck)
    register_all(r, review_subjects=SUBJECTS)
    reply = await asyncio.wait_for(r.dispatch(press(notice_id="n1")), 1.0)
    assert reply["cardData"]["cardParamMap"]["status"] == "已由dt-zhang确认收到"


@pytest.mark.parametrize(
    "data",
    [
        {"outTrackId": "ack:n1:dt-zhang", "userId": "dt-zhang", "content": "not json"},
        {"outTrackId": "ack:n1:dt-zhang", "userId": "dt-zhang", "content": "null"},
        {"outTrackId": "ack:n1:dt-zhang", "userId": "dt-zhang", "content": "[1]"},
        {"outTrackId": "ack:n1:dt-zhang", "content": json.dumps({"cardPrivateData": {"actionIds": "x", "params": 1}})},
        None,
    ],
)
async def test_malformed_callback_gets_a_polite_answer(container: Container, data: object) -> None:
    reply = await router(container).dispatch_callback("m1", data)
    assert reply["userPrivateData"]["cardParamMap"] == {"tip": INVALID}
    assert "cardData" not in reply
    assert await count(container, DingTalkInbound) == 0
