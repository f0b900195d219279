"""Which official-account follower an expert is. The mini-program and the official account know one person under
two openids; two facts join them: the follow that brought back the expert's invitation scene
(`expert_invitations.official_openid`), or one unionid (Open Platform) on both the mini-program binding and the
follower. The predicates take the account as a value or a column, so a set-based job can use them too."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from cards.official_account import WeChatRoles
from store.models.auth import MiniProgramBinding
from store.models.expert_invitations import ExpertInvitation
from store.models.organisation import Account, AccountRole, Role
from store.models.wechat import WeChatFollower

# An id as a value, or as a column for a correlated, set-based use.
IdRef = int | ColumnElement[int] | InstrumentedAttribute[int]


def follower_of(account_id: IdRef, app_id: str | None) -> ColumnElement[bool]:
    """The `WeChatFollower` row is the account's, following or not. `app_id` None: of any official account we
    serve (there is one; staff pages do not need to name it)."""
    by_invitation = WeChatFollower.openid.in_(
        select(ExpertInvitation.official_openid).where(
            ExpertInvitation.account_id == account_id, ExpertInvitation.official_openid.is_not(None)
        )
    )
    by_unionid = and_(
        WeChatFollower.unionid.is_not(None),
        WeChatFollower.unionid.in_(
            select(MiniProgramBinding.unionid).where(MiniProgramBinding.account_id == account_id)
        ),
    )
    same_person = or_(by_invitation, by_unionid)
    return same_person if app_id is None else and_(WeChatFollower.app_id == app_id, same_person)


def follower_links() -> Select[tuple[int, str]]:
    """(account_id, openid) for every account with a known follow, by either fact: equality joins only, so a
    set-based job (the daily digest) can hash-join it against every expert at once."""
    by_invitation = select(
        ExpertInvitation.account_id.label("account_id"), ExpertInvitation.official_openid.label("openid")
    ).where(ExpertInvitation.official_openid.is_not(None))
    by_unionid = select(MiniProgramBinding.account_id.label("account_id"), WeChatFollower.openid.label("openid")).join(
        WeChatFollower, WeChatFollower.unionid == MiniProgramBinding.unionid
    )
    return union(by_invitation, by_unionid)  # type: ignore[return-value]


@dataclass(frozen=True)
class FollowState:
    openid: str | None  # None: no follow of theirs is known
    following: bool
    since: datetime | None  # followed_at while following, unfollowed_at after

    @property
    def status(self) -> str:
        """following | unfollowed | not_followed (no follow of theirs is known)."""
        if self.openid is None:
            return "not_followed"
        return "following" if self.following else "unfollowed"

    @property
    def label(self) -> str:
        if self.openid is None:
            return "未关注公众号"
        return "已关注公众号" if self.following else "已取消关注公众号"


def _state(row: WeChatFollower | None) -> FollowState:
    if row is None:
        return FollowState(None, False, None)
    following = bool(row.subscribed) and row.binding_error is None
    return FollowState(row.openid, following, row.followed_at if following else row.unfollowed_at)


def _newest_first() -> tuple[ColumnElement[Any], ...]:
    # A person who unfollowed and followed again (a new openid is not possible, a new row is) counts as following.
    return WeChatFollower.subscribed.desc(), WeChatFollower.updated_at.desc()


async def follow_state(session: AsyncSession, account_id: int, app_id: str | None = None) -> FollowState:
    row = (
        await session.execute(
            select(WeChatFollower).where(follower_of(account_id, app_id)).order_by(*_newest_first()).limit(1)
        )
    ).scalar_one_or_none()
    return _state(row)


async def follow_states(
    session: AsyncSession, account_ids: Collection[int], app_id: str | None = None
) -> dict[int, FollowState]:
    """The follow state of each account, in one query (a page of experts)."""
    rows = await session.execute(
        select(Account.id, WeChatFollower)
        .join(WeChatFollower, follower_of(Account.id, app_id))
        .where(Account.id.in_(account_ids))
        .order_by(Account.id, *_newest_first())
    )
    found: dict[int, FollowState] = {}
    for account_id, follower in rows:
        found.setdefault(account_id, _state(follower))
    return {a: found.get(a, _state(None)) for a in account_ids}


async def account_of_follower(session: AsyncSession, app_id: str, openid: str) -> int | None:
    """The account a follower is, by the invitation scene it followed with, else by a shared unionid."""
    by_invitation = await session.scalar(
        select(ExpertInvitation.account_id)
        .where(ExpertInvitation.official_openid == openid)
        .order_by(ExpertInvitation.updated_at.desc())
        .limit(1)
    )
    if by_invitation is not None:
        return by_invitation
    return await session.scalar(
        select(MiniProgramBinding.account_id)
        .join(WeChatFollower, WeChatFollower.unionid == MiniProgramBinding.unionid)
        .where(WeChatFollower.app_id == app_id, WeChatFollower.openid == openid)
        .limit(1)
    )


async def bound_account_of_follower(session: AsyncSession, app_id: str, openid: str) -> int | None:
    """The follower's account once it is bound to the mini-program (the binding proves the phone); else None."""
    account_id = await account_of_follower(session, app_id, openid)
    if account_id is None:
        return None
    bound = await session.scalar(select(MiniProgramBinding.id).where(MiniProgramBinding.account_id == account_id))
    return account_id if bound is not None else None


async def wechat_roles(session: AsyncSession, account_id: int) -> WeChatRoles:
    """Whom the mini-program and the official account serve in this account: an expert, an enterprise contact, or
    both. Every greeting and reply that depends on the role asks here, so no contact is greeted as an expert."""
    held = set(
        await session.scalars(
            select(AccountRole.role).where(
                AccountRole.account_id == account_id, AccountRole.role.in_((Role.EXPERT, Role.ENTERPRISE_CONTACT))
            )
        )
    )
    return WeChatRoles(expert=Role.EXPERT in held, contact=Role.ENTERPRISE_CONTACT in held)
