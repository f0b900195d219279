"""An institution's admin lists the technology managers bound to it by its invitation codes (seed 000 §一.4, §一.7:
the institution reviews its managers' registrations; this is the list that review will work on), newest first.

A manager is a person who holds the technology_manager role for the institution; the redemption says when and by
which code they bound themselves. Someone whose role ended (a departure) is no longer listed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select

from handlers.organisation.actors import load_actor, require_institution_admin
from handlers.organisation.pages import Page, PageRequest
from store.models.invitations import InvitationCode, InvitationRedemption
from store.models.organisation import Account, AccountRole, Role
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ListTechnologyManagers:
    actor_id: int
    institution_id: int
    page: PageRequest = PageRequest()


@dataclass(frozen=True)
class TechnologyManagerView:
    account_id: int
    name: str
    mobile: str
    bound_at: datetime
    invitation_code: str


async def list_technology_managers(cmd: ListTechnologyManagers, uow: UnitOfWork) -> Page[TechnologyManagerView]:
    req = cmd.page.checked()
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        require_institution_admin(actor, cmd.institution_id)
        holds_role = and_(
            AccountRole.account_id == InvitationRedemption.account_id,
            AccountRole.role == Role.TECHNOLOGY_MANAGER,
            AccountRole.institution_id == cmd.institution_id,
        )
        base = (
            select(InvitationRedemption, Account, InvitationCode.code)
            .join(AccountRole, holds_role)
            .join(Account, Account.id == InvitationRedemption.account_id)
            .join(InvitationCode, InvitationCode.id == InvitationRedemption.invitation_code_id)
            .where(InvitationRedemption.institution_id == cmd.institution_id)
        )
        total = await uow.session.scalar(select(func.count()).select_from(base.subquery()))
        rows = await uow.session.execute(
            base.order_by(InvitationRedemption.used_at.desc(), InvitationRedemption.id.desc())
            .offset(req.offset)
            .limit(req.page_size)
        )
        items = tuple(
            TechnologyManagerView(account.id, account.name, account.mobile, redemption.used_at, code)
            for redemption, account, code in rows
        )
    return Page(items, total or 0, req.page, req.page_size)
