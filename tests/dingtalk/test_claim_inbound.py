"""The inbound-dedupe rule is a use case both Stream adapters call: first claim wins, repeats see None."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.bootstrap import Container
from handlers.dingtalk.claim_inbound import claim_inbound, first_reply, settle_inbound
from store.models.dingtalk import DingTalkInbound


async def test_a_key_is_claimed_once_and_keeps_the_reply(container: Container) -> None:
    async with container.uow() as uow:
        claim = await claim_inbound(
            uow.session, key="card:k1", kind="card_action", message_id="m1", now=container.clock.now()
        )
        assert claim is not None
        await settle_inbound(uow.session, claim, {"ok": True})
        await uow.commit()
    async with container.uow() as uow:
        assert (
            await claim_inbound(
                uow.session, key="card:k1", kind="card_action", message_id="m2", now=container.clock.now()
            )
            is None
        )
        assert await first_reply(uow.session, "card:k1") == {"ok": True}
    async with container.sessionmaker() as session:
        [stored] = (await session.execute(select(DingTalkInbound))).scalars().all()
    assert (stored.message_id, stored.reply) == ("m1", {"ok": True})


def test_adapters_leave_the_dedupe_rows_to_the_use_case() -> None:
    for adapter in ("router.py", "contacts.py"):
        source = (Path(__file__).parents[2] / "bot" / "dingtalk" / adapter).read_text()
        assert "DingTalkInbound" not in source, adapter
