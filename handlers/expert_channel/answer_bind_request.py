"""Someone asks the official account about their binding (「绑定」, or the 绑定信息 menu button).

Bound: the passive reply says as whom (expert, enterprise contact) and what that role can do. Not yet: the
mini-program bind link goes as a customer-service message, as the invitation's does (WeChat documents that link
for customer-service text; the message or the click opened the window), carrying the invitation's token when the
follower came through one. Runs in the transaction that claimed the push's key: a retry of the push is answered
by `answer_repeated_bind_request`, which sends nothing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from cards.expert_invitation import BIND_IN_MINI_PROGRAM_TEXT, bind_page_path, bind_request_message
from cards.official_account import bound_text
from cards.outbound import custom_text
from handlers.expert_channel.official_account import bound_account_of_follower, wechat_roles
from handlers.expert_invitations.accept_expert_invitation import BindLink
from handlers.expert_invitations.invite import token_of
from store.models.expert_invitations import ExpertInvitation, ExpertInvitationStatus
from store.models.organisation import Account
from store.transaction import Transaction


@dataclass(frozen=True)
class AnswerBindRequest:
    app_id: str
    openid: str
    link: BindLink | None  # None: no mini-program configured; the reply only says where to bind


async def answer_bind_request(cmd: AnswerBindRequest, tx: Transaction) -> str | None:
    if (answer := await _bound_or_nowhere(cmd, tx)) is not None:
        return answer
    assert cmd.link is not None  # _bound_or_nowhere answers when there is no link
    scene = await tx.session.scalar(
        select(ExpertInvitation.scene)
        .where(
            ExpertInvitation.official_openid == cmd.openid,
            ExpertInvitation.status == ExpertInvitationStatus.FOLLOWED,
            ExpertInvitation.expires_at > tx.clock.now(),
        )
        .order_by(ExpertInvitation.updated_at.desc())
        .limit(1)
    )
    page = bind_page_path(cmd.link.page, token_of(scene)) if scene is not None else cmd.link.page
    text = bind_request_message(mini_app_id=cmd.link.mini_app_id, page_path=page, fallback_url=cmd.link.fallback_url)
    await tx.send(custom_text(cmd.openid, text, source="bind_request"))
    return None


async def answer_repeated_bind_request(cmd: AnswerBindRequest, tx: Transaction) -> str | None:
    """A retried push: the same answer, and the link (if one went) is already on its way."""
    return await _bound_or_nowhere(cmd, tx)


async def _bound_or_nowhere(cmd: AnswerBindRequest, tx: Transaction) -> str | None:
    """The passive reply to a bound follower, or to anyone when no mini-program is configured; None otherwise."""
    account_id = await bound_account_of_follower(tx.session, cmd.app_id, cmd.openid)
    if account_id is not None:
        name = await tx.session.scalar(select(Account.name).where(Account.id == account_id)) or ""
        return bound_text(name, await wechat_roles(tx.session, account_id))
    if cmd.link is None:
        return BIND_IN_MINI_PROGRAM_TEXT
    return None
