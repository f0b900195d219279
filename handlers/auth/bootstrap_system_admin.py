"""The operator creates the first system admin (seed 004 §二: everyone else is created from there)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.auth.accounts import PasswordEvent, store_password
from handlers.auth.passwords import new_password
from handlers.errors import Conflict
from handlers.organisation import validation as v
from handlers.organisation.people import find_or_create_account, grant_role
from store.models.organisation import AccountRole, AccountStatus, Role
from store.uow import UnitOfWork

OPERATOR = "operator"


@dataclass(frozen=True)
class BootstrapSystemAdmin:
    name: str
    mobile: str
    password: str


async def bootstrap_system_admin(cmd: BootstrapSystemAdmin, uow: UnitOfWork) -> int:
    """Only while there is none: further admins are a system admin's decision, not the operator's.
    The password is a starting one and must be changed at first sign-in."""
    name = v.required_text(cmd.name, "姓名", 64)
    mobile = v.mobile(cmd.mobile)
    password = new_password(cmd.password)
    async with uow:
        admins = select(AccountRole.id).where(AccountRole.role == Role.SYSTEM_ADMIN).limit(1)
        if await uow.session.scalar(admins) is not None:
            raise Conflict("系统管理员已存在，其他管理员请由系统管理员添加", code="system_admin_exists")
        account, _ = await find_or_create_account(uow, name, mobile, OPERATOR)
        account.status = AccountStatus.ACTIVE
        account.updated_at = uow.clock.now()
        await grant_role(uow, account.id, Role.SYSTEM_ADMIN, OPERATOR)
        await store_password(
            uow, account.id, password, must_change=True, event=PasswordEvent.BOOTSTRAPPED, actor=OPERATOR
        )
        uow.record("account", account.id, "bootstrapped_as_system_admin", actor=OPERATOR)
        await uow.commit()
        return account.id
