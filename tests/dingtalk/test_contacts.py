"""Contact events are recorded once each, also when DingTalk leaves the eventId header out."""

from __future__ import annotations

from sqlalchemy import select

from bot.bootstrap import Container
from bot.dingtalk.contacts import ContactEvents
from store.models.audit import AuditEntry


async def recorded(container: Container) -> list[str]:
    async with container.sessionmaker() as session:
        rows = await session.execute(select(AuditEntry.aggregate_id).where(
            AuditEntry.aggregate_type == "dingtalk_member").order_by(AuditEntry.id))
        return list(rows.scalars().all())


async def test_events_without_an_event_id_header_are_not_taken_for_one_another(container: Container) -> None:
    events = ContactEvents(container.uow, container.clock)
    # The payload's eventId stands in for the header; failing that, the frame's messageId.
    await events.handle(message_id="m1", event_type="user_add_org", event_id=None,
                        data={"eventId": "e1", "userId": ["u1"]})
    await events.handle(message_id="m2", event_type="user_add_org", event_id=None,
                        data={"eventId": "e2", "userId": ["u2"]})
    await events.handle(message_id="m3", event_type="user_add_org", event_id=None, data={"userId": ["u3"]})
    await events.handle(message_id="m4", event_type="user_add_org", event_id=None, data={"userId": ["u4"]})
    # Redeliveries of the same events change nothing.
    await events.handle(message_id="m9", event_type="user_add_org", event_id=None,
                        data={"eventId": "e2", "userId": ["u2"]})
    await events.handle(message_id="m4", event_type="user_add_org", event_id=None, data={"userId": ["u4"]})
    assert await recorded(container) == ["u1", "u2", "u3", "u4"]
