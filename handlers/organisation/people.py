"""One person, one account: find by mobile or create; grant roles with their scope."""

from __future__ import annotations

from sqlalchemy import select

from handlers.auth.accounts import account_by_mobile
from handlers.errors import Conflict
from store.models.organisation import Account, AccountRole, AccountStatus, Role
from store.transaction import Transaction


def subject_of(account_id: int) -> str:
    """The audit subject for a person's personal values; erasing the person erases by it."""
    return f"account:{account_id}"


async def find_or_create_account(uow: Transaction, name: str, mobile: str, actor: str) -> tuple[Account, bool]:
    """An existing account keeps its name: the person maintains it, not whoever adds them in a new role."""
    # The row lock serialises role changes to one person (and appends to their audit chain).
    existing = await account_by_mobile(uow, mobile, lock=True)
    if existing is not None:
        if existing.status == AccountStatus.DISABLED:
            raise Conflict("该手机号码的账号已停用，请联系系统管理员", code="account_disabled")
        if existing.status == AccountStatus.LEFT:
            if await roles_of(uow, existing.id):
                # They left the DingTalk organisation holding their roles: a new role must not quietly
                # bring those back; the admin's new DingTalk invitation does.
                raise Conflict("该人员已退出钉钉组织，请先由管理员重新邀请", code="account_left")
            # They left every role behind (a departure); a new one brings the person back.
            existing.status = AccountStatus.INVITED
            existing.updated_at = uow.clock.now()
            uow.record("account", existing.id, "re_enabled", actor=actor, data={"status": existing.status})
        return existing, False
    now = uow.clock.now()
    account = Account(name=name, mobile=mobile, status=AccountStatus.INVITED, created_at=now, updated_at=now)
    uow.session.add(account)
    await uow.session.flush()
    uow.record(
        "account",
        account.id,
        "created",
        actor=actor,
        data={"status": account.status},
        personal={"name": (subject_of(account.id), name), "mobile": (subject_of(account.id), mobile)},
    )
    return account, True


async def roles_of(uow: Transaction, account_id: int) -> set[Role]:
    rows = await uow.session.scalars(select(AccountRole.role).where(AccountRole.account_id == account_id))
    return {Role(r) for r in rows}


async def grant_role(
    uow: Transaction,
    account_id: int,
    role: Role,
    actor: str,
    *,
    institution_id: int | None = None,
    centre_id: int | None = None,
    region_code: str | None = None,
    enterprise_id: int | None = None,
) -> None:
    if enterprise_id is not None:
        scope_key = f"enterprise:{enterprise_id}"
    elif centre_id is not None:
        scope_key = f"centre:{centre_id}"
    elif institution_id is not None:
        scope_key = f"institution:{institution_id}"
    elif region_code is not None:
        scope_key = f"region:{region_code}"
    else:
        scope_key = ""
    uow.session.add(
        AccountRole(
            account_id=account_id,
            role=role,
            scope_key=scope_key,
            institution_id=institution_id,
            centre_id=centre_id,
            region_code=region_code,
            created_at=uow.clock.now(),
        )
    )
    await uow.session.flush()
    uow.record("account", account_id, "role_granted", actor=actor, data={"role": role, "scope": scope_key})


MOBILE_TAKEN = "该手机号码已被其他账号使用，请联系管理员"


async def move_mobile(
    uow: Transaction, account: Account, number: str, *, actor: str, action: str, reason: str = ""
) -> None:
    """Give the locked account its new number; another account holding it is a clash, not a merge."""
    taken = await uow.session.scalar(select(Account.id).where(Account.mobile == number, Account.id != account.id))
    if taken is not None:
        raise Conflict(MOBILE_TAKEN, code="mobile_taken")
    account.mobile = number
    account.updated_at = uow.clock.now()
    await uow.session.flush()
    uow.record(
        "account",
        account.id,
        action,
        actor=actor,
        data={"reason": reason} if reason else None,
        personal={"mobile": (subject_of(account.id), number)},
    )
