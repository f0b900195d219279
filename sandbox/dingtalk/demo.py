"""Demo: a 「确认收到」 card for every demo person on DingTalk, sent through the real outbox and relay."""

from __future__ import annotations

from sqlalchemy import select

from cards.acknowledge import ACKNOWLEDGE_CARD, NoticeView, acknowledge_card
from cards.outbound import CardCreate
from sandbox.demo import DemoContext, demo_seed
from store.models.outbox import OutboxMessage

SOURCE = "demo:dingtalk-acknowledge"


@demo_seed("dingtalk-acknowledge", order=10)
async def seed_acknowledge_cards(ctx: DemoContext) -> None:
    async with ctx.uow() as uow:
        sent = set(
            (await uow.session.execute(select(OutboxMessage.recipient).where(OutboxMessage.source == SOURCE))).scalars()
        )
        for persona in ctx.sandbox.people.values():
            if not persona.dingtalk_userid or persona.dingtalk_userid in sent:
                continue
            notice = NoticeView("welcome", "科转 · 钉钉通道已接通", f"{persona.name}，请点击下方按钮确认收到。")
            await uow.send(
                CardCreate(
                    recipient=persona.dingtalk_userid,
                    out_track_id=f"ack:welcome:{persona.dingtalk_userid}",
                    template_id=ACKNOWLEDGE_CARD.id,
                    card_data=acknowledge_card(notice),
                    source=SOURCE,
                )
            )
        await uow.commit()
