"""subscribe, SCAN and unsubscribe: the follow state, and an expert invitation's QR scene.

A follow with an invitation's scene is one push: the follow and the invitation are recorded in one transaction,
under the push's one inbox key."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.wechat.router import InboundMessage, MessageRouter
from cards.expert_invitation import ALREADY_BOUND_TEXT, INVITATION_EXPIRED_TEXT
from cards.official_account import WELCOME_TEXT
from handlers.expert_invitations.accept_expert_invitation import (
    AcceptExpertInvitation,
    BindLink,
    InvitationOutcome,
    accept_expert_invitation,
    is_invitation_scene,
)
from handlers.transactions import Claim, transact
from handlers.wechat.record_follow import RecordFollow, record_follow
from handlers.wechat.record_unfollow import RecordUnfollow, UnfollowRecorded, record_unfollow
from store.inbox import Inbound
from store.transaction import Transaction
from store.uow import UnitOfWork

# The 「前往绑定信息」 message itself goes as a customer-service message (see accept_expert_invitation);
# a scene we never issued is answered like a plain follow or scan.
_INVITATION_REPLIES: dict[InvitationOutcome, str] = {
    InvitationOutcome.ALREADY_BOUND: ALREADY_BOUND_TEXT,
    InvitationOutcome.EXPIRED: INVITATION_EXPIRED_TEXT,
}


@dataclass(frozen=True)
class _Followed:
    new: bool  # False: a retried push
    stale: bool = False
    reply: str | None = None


def register(
    router: MessageRouter,
    uow: Callable[[], UnitOfWork],
    *,
    after_follow: Callable[[str], Awaitable[None]] | None,
    bind_link: BindLink | None,
) -> None:
    def invites(message: InboundMessage) -> bool:
        return bind_link is not None and is_invitation_scene(message.scene)

    async def answer_invitation(message: InboundMessage, tx: Transaction, plain: str | None) -> str | None:
        """`plain` is the answer to a follow or scan that brings no invitation of ours."""
        if bind_link is None or not invites(message):
            return plain
        cmd = AcceptExpertInvitation(
            message.app_id, message.from_user, message.scene, bind_link, event_at=message.created_at
        )
        outcome = await accept_expert_invitation(cmd, tx)
        if outcome == InvitationOutcome.UNKNOWN:
            return plain
        return _INVITATION_REPLIES.get(outcome)

    def follow(message: InboundMessage, *, scan: bool, plain: str | None) -> Claim[_Followed]:
        async def again(_tx: Transaction) -> _Followed:
            # Already handled: the plain answer again, nothing for an invitation (its message is on its way).
            return _Followed(new=False, reply=None if invites(message) else plain)

        return Claim(message.inbox_key, Inbound.SCAN if scan else Inbound.SUBSCRIBE, again)

    @router.event("subscribe")
    async def on_subscribe(message: InboundMessage) -> str | None:
        async def work(tx: Transaction) -> _Followed:
            cmd = RecordFollow(message.app_id, message.from_user, message.scene, event_at=message.created_at)
            if (await record_follow(cmd, tx)).stale:
                return _Followed(new=True, stale=True)  # they have left since: nothing to welcome
            return _Followed(new=True, reply=await answer_invitation(message, tx, WELCOME_TEXT))

        followed = await transact(uow(), work, claim=follow(message, scan=False, plain=WELCOME_TEXT), clash=None)
        if after_follow is not None and followed.new and not followed.stale:
            await after_follow(message.from_user)
        return followed.reply

    @router.event("scan")
    async def on_scan(message: InboundMessage) -> str | None:
        async def work(tx: Transaction) -> _Followed:
            cmd = RecordFollow(message.app_id, message.from_user, message.scene, scan=True, event_at=message.created_at)
            await record_follow(cmd, tx)
            return _Followed(new=True, reply=await answer_invitation(message, tx, None))

        return (await transact(uow(), work, claim=follow(message, scan=True, plain=None), clash=None)).reply

    async def unfollowed_before(_tx: Transaction) -> UnfollowRecorded:
        return UnfollowRecorded(duplicate=True)

    @router.event("unsubscribe")
    async def on_unsubscribe(message: InboundMessage) -> str | None:
        cmd = RecordUnfollow(message.app_id, message.from_user, "unsubscribe", event_at=message.created_at)
        claim = Claim(message.inbox_key, Inbound.UNSUBSCRIBE, unfollowed_before)
        await transact(uow(), lambda tx: record_unfollow(cmd, tx), claim=claim, clash=None)
        return None  # they no longer see anything we send
