"""What waited for a person to join DingTalk goes to them once they are bound.

A review can be assigned, and an expert can dock a demand, before its reviewer or docking staff member is in
DingTalk (an institution admin is created, reviews come in, and the admin accepts DingTalk's invitation a day
later). The tasks and dockings keep their place without a card; the moment an account is bound to a DingTalk
userid — by accepting the membership invitation, or by a first 免登 sign-in — their cards and to-dos are sent,
in the same transaction as the binding."""

from __future__ import annotations

from handlers.expert_channel.dockings import deliver_waiting_dockings
from handlers.reviews.tasks import deliver_waiting_tasks
from store.transaction import Transaction


async def deliver_waiting_cards(uow: Transaction, account_id: int, userid: str) -> int:
    """Sends the cards waiting for the account, now bound as `userid`; returns how many went."""
    return await deliver_waiting_tasks(uow, account_id, userid) + await deliver_waiting_dockings(uow, account_id)
