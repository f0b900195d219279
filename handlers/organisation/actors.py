"""Who is acting: an account and its role grants, read inside the use case's own transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.errors import Forbidden
from store.models.organisation import CLOSED_STATUSES, Account, AccountRole, Role
from store.transaction import Transaction


@dataclass(frozen=True)
class Grant:
    role: Role
    institution_id: int | None = None
    centre_id: int | None = None
    region_code: str | None = None


@dataclass(frozen=True)
class Actor:
    account_id: int
    grants: tuple[Grant, ...]

    def has(self, role: Role) -> bool:
        return any(g.role == role for g in self.grants)

    def institutions(self, *roles: Role) -> set[int]:
        return {g.institution_id for g in self.grants if g.role in roles and g.institution_id is not None}

    @property
    def label(self) -> str:
        """How the actor appears in audit entries."""
        return f"account:{self.account_id}"


async def load_actor(uow: Transaction, account_id: int) -> Actor:
    """A disabled or unknown account acts as nobody: every check then refuses."""
    status = await uow.session.scalar(select(Account.status).where(Account.id == account_id))
    return await _with_grants(uow, account_id, status)


async def actor_of(tx: Transaction, account: Account) -> Actor:
    """The actor of an account already read in this transaction: the same answer, one query less."""
    return await _with_grants(tx, account.id, account.status)


async def _with_grants(uow: Transaction, account_id: int, status: str | None) -> Actor:
    if status is None or status in CLOSED_STATUSES:
        return Actor(account_id, ())
    rows = await uow.session.scalars(select(AccountRole).where(AccountRole.account_id == account_id))
    return Actor(
        account_id,
        tuple(Grant(Role(r.role), r.institution_id, r.centre_id, r.region_code) for r in rows),
    )


def require_system_admin(actor: Actor) -> None:
    if not actor.has(Role.SYSTEM_ADMIN):
        raise Forbidden("只有系统管理员可以进行此操作")


def require_institution_admin(actor: Actor, institution_id: int) -> None:
    if institution_id not in actor.institutions(Role.INSTITUTION_ADMIN):
        raise Forbidden("只有本机构的法人机构管理员可以进行此操作")


def require_institution_member(actor: Actor, institution_id: int) -> None:
    """The institution's admin or any of its staff (centre admins are staff too)."""
    if institution_id not in actor.institutions(Role.INSTITUTION_ADMIN, Role.STAFF):
        raise Forbidden("只有本机构的管理员或技转人员可以进行此操作")


def require_staff(actor: Actor, institution_id: int) -> None:
    if institution_id not in actor.institutions(Role.STAFF):
        raise Forbidden("只有本机构的技转人员可以进行此操作")
