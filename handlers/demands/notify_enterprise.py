"""The enterprise hears of its demand's approval, docking and completion: an SMS to each contact with a mobile."""

from __future__ import annotations

from sqlalchemy import bindparam, select

from cards.outbound import SmsMessage
from handlers.demands.policy import DemandPolicy
from handlers.organisation.validation import is_mobile
from store.base import table_of
from store.models.demands import Demand
from store.models.organisation_people import EnterpriseContact
from store.transaction import Transaction

SMS_VARIABLE_MAX = 35
# Built once: an approval on the card's ack path runs it.
_CONTACTS = table_of(EnterpriseContact)
_PHONES = (
    select(_CONTACTS.c.phone).where(_CONTACTS.c.enterprise_id == bindparam("enterprise_id")).order_by(_CONTACTS.c.id)
)


async def notify_enterprise(uow: Transaction, demand: Demand, status_text: str, policy: DemandPolicy) -> None:
    phones = await uow.session.scalars(_PHONES, {"enterprise_id": demand.enterprise_id})
    # The approved template has no place of its own for the number: it leads the title variable (≤35 characters).
    title = f"{demand.number} {demand.title}"
    title = title if len(title) <= SMS_VARIABLE_MAX else title[: SMS_VARIABLE_MAX - 1] + "…"
    sent: set[str] = set()
    for phone in phones:
        if not is_mobile(phone) or phone in sent:
            continue
        sent.add(phone)
        uow.send_later(
            SmsMessage(
                recipient=phone,
                template_code=policy.sms_template,
                params={"title": title, "status": status_text},
                source=f"demand:{demand.id}",
            )
        )
