"""What the workbench's first screen needs right after a sign-in — who the person is, with their roles, and
their counts — read in one transaction, as GET /me and GET /workbench would read them: the sign-in's answer
carries them, so the page's first screen waits for one request, not three."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.auth.authenticate import password_change_due
from handlers.auth.me import Me, account_me
from handlers.calendar.office_hours import OfficeHours
from handlers.follow_up_reminders.policy import FollowUpReminderPolicy
from handlers.organisation.actors import Actor, load_actor
from handlers.workbench.get_workbench import Workbench, workbench_counts
from store.uow import UnitOfWork


@dataclass(frozen=True)
class FirstScreen:
    actor: Actor
    me: Me
    must_change_password: bool
    counts: Workbench | None  # None while a password change is due: GET /workbench refuses then


async def first_screen(
    account_id: int, uow: UnitOfWork, policy: FollowUpReminderPolicy, hours: OfficeHours
) -> FirstScreen:
    async with uow:
        actor = await load_actor(uow, account_id)
        me = await account_me(uow, account_id)
        must_change = await password_change_due(uow, account_id)
        counts = None if must_change else await workbench_counts(uow, actor, policy, hours)
    return FirstScreen(actor, me, must_change, counts)
