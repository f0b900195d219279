"""What the workbench's first screen needs right after a sign-in — who the person is, with their roles, and
their counts — read in one transaction, as GET /me and GET /workbench would read them: the sign-in's answer
carries them, so the page's first screen waits for one request, not three."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.auth.me import Me, me_of
from handlers.calendar.office_hours import OfficeHours
from handlers.errors import NotFound
from handlers.follow_up_reminders.policy import FollowUpReminderPolicy
from handlers.organisation.actors import Actor, actor_of
from handlers.workbench.get_workbench import Workbench, workbench_counts
from store.models.auth import PasswordCredential
from store.models.organisation import Account
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
        # The account with its password's state in one query (a sign-in's answer waits for each round trip).
        row = (
            await uow.session.execute(
                select(Account, PasswordCredential.must_change)
                .outerjoin(PasswordCredential, PasswordCredential.account_id == Account.id)
                .where(Account.id == account_id)
            )
        ).one_or_none()
        if row is None:
            raise NotFound("未找到该账号")
        account, must_change = row[0], bool(row[1])
        actor = await actor_of(uow, account)
        counts = None if must_change else await workbench_counts(uow, actor, policy, hours)
        return FirstScreen(actor, me_of(account), must_change, counts)
