"""The one inbox: `uow.claim` is insert-or-nothing in the caller's transaction, and `transact` is the one way an
inbound event runs a use case (claim, run, keep the reply, commit, again on a clash)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.bootstrap import Container
from handlers.errors import Conflict, Forbidden
from handlers.transactions import ATTEMPTS, Claim, transact
from store.inbox import Inbound, first_reply, keep_reply
from store.models.audit import AuditEntry
from store.models.dingtalk import DingTalkInbound
from store.models.wechat import WeChatInbox
from store.transaction import Transaction

ROOT = Path(__file__).parents[1]


async def _count(container: Container, model: type[DingTalkInbound] | type[WeChatInbox] | type[AuditEntry]) -> int:
    async with container.sessionmaker() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


@pytest.mark.parametrize("kind", [Inbound.CARD_ACTION, Inbound.SUBSCRIBE])
async def test_a_key_is_claimed_once_and_a_repeat_leaves_the_transaction_usable(
    container: Container, kind: Inbound
) -> None:
    async with container.uow() as uow:
        assert await uow.claim("k1", kind, message_id="m1")
        if kind.keeps_reply:
            await keep_reply(uow.session, "k1", {"ok": True})
        await uow.commit()
    async with container.uow() as uow:
        assert not await uow.claim("k1", kind, message_id="m2")
        # Still usable: the repeat reads what the first answer was, and may even commit (nothing).
        if kind.keeps_reply:
            assert await first_reply(uow.session, "k1") == {"ok": True}
        assert await uow.session.scalar(select(func.count()).select_from(WeChatInbox)) == (0 if kind.keeps_reply else 1)
        await uow.commit()
    if kind.keeps_reply:
        async with container.sessionmaker() as session:
            [stored] = (await session.execute(select(DingTalkInbound))).scalars().all()
        assert (stored.kind, stored.message_id, stored.reply) == ("card_action", "m1", {"ok": True})


async def _note(tx: Transaction) -> str:
    tx.record("notice", "n-1", "acknowledged", actor="dt-li")
    return "done"


async def _repeat(tx: Transaction) -> str:
    return "again"


async def test_a_redelivered_event_runs_its_repeat_answer_and_has_no_second_effect(container: Container) -> None:
    claim = Claim("event:e-1", Inbound.CONTACT_EVENT, _repeat, reply=lambda done: {"said": done})
    assert await transact(container.uow(), _note, claim=claim) == "done"
    assert await transact(container.uow(), _note, claim=claim) == "again"
    assert await _count(container, AuditEntry) == 1
    async with container.uow() as uow:
        assert await first_reply(uow.session, "event:e-1") == {"said": "done"}


async def test_a_refused_event_keeps_no_claim_so_the_same_event_made_right_counts(container: Container) -> None:
    async def refuse(tx: Transaction) -> str:
        await _note(tx)
        raise Forbidden("您不是该环节的审核人")

    claim = Claim("card:c-1", Inbound.CARD_ACTION, _repeat)
    with pytest.raises(Forbidden):
        await transact(container.uow(), refuse, claim=claim)
    assert await _count(container, DingTalkInbound) == 0 and await _count(container, AuditEntry) == 0
    assert await transact(container.uow(), _note, claim=claim) == "done"
    assert await _count(container, DingTalkInbound) == 1 and await _count(container, AuditEntry) == 1


async def test_a_clash_is_tried_again_and_one_that_outlives_the_attempts_is_a_conflict(container: Container) -> None:
    tries = 0

    async def clash(tx: Transaction) -> str:
        nonlocal tries
        tries += 1
        # The same unique key twice in one transaction: what a concurrent winner's row does at flush.
        for _ in range(2):
            await tx.claim("k-clash", Inbound.SCAN)
            tx.session.add(WeChatInbox(key="k-clash-row", kind="scan", received_at=tx.clock.now()))
            await tx.session.flush()
        return "unreachable"

    with pytest.raises(Conflict) as refused:
        await transact(container.uow(), clash, clash="该记录已存在")
    assert (refused.value.message, tries) == ("该记录已存在", ATTEMPTS)
    assert await _count(container, WeChatInbox) == 0


def test_only_the_one_helper_claims_and_no_use_case_writes_an_inbox_row() -> None:
    claims, inbox_rows, attempts = [], [], []
    for path in [*ROOT.glob("bot/**/*.py"), *ROOT.glob("handlers/**/*.py"), *ROOT.glob("miniapp_api/**/*.py")]:
        source = path.read_text()
        name = str(path.relative_to(ROOT))
        if re.search(r"\.claim\(", source) and name != "handlers/transactions.py":
            claims.append(name)
        if "DingTalkInbound" in source or "WeChatInbox" in source and name != "handlers/wechat/prune_inbox.py":
            inbox_rows.append(name)
        if name.startswith("handlers/") and "async def attempt(" in source:
            attempts.append(name)
    # Changing one's mobile commits a wrong SMS code try before refusing (handlers.auth.sms_codes.spend_code): its
    # unit of work is its own, retried by hand.
    assert claims == [] and inbox_rows == [] and attempts == ["handlers/auth/change_mobile.py"]


async def test_a_key_longer_than_its_column_keeps_and_finds_its_reply(container: Container) -> None:
    key = "press:" + "x" * 100  # cut to the column's width when stored
    async with container.uow() as uow:
        assert await uow.claim(key, Inbound.CARD_ACTION)
        await keep_reply(uow.session, key, {"ok": True})
        await uow.commit()
    async with container.uow() as uow:
        assert not await uow.claim(key, Inbound.CARD_ACTION)
        assert await first_reply(uow.session, key) == {"ok": True}
