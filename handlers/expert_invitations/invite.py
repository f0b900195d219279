"""Writing an expert's invitation with the expert, in the same transaction.

Outbox design: two channels, one platform call each. `wechat.invite_qrcode` creates the temporary QR code;
its result is recorded by record_invitation_qrcode, which enqueues the `sms` message carrying the link in
that same transaction. So an SMS retry never makes a new QR code, a crash between the two calls loses
nothing, and the SMS keeps the `sms` channel's per-number cap and receipts. (One channel doing both would
have to remember the QR result outside the database between its two calls.)
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import literal, select, union_all

from cards.outbound import InviteQrcode
from store.models.auth import MiniProgramBinding
from store.models.expert_invitations import ExpertInvitation, ExpertInvitationStatus
from store.transaction import Transaction

SCENE_PREFIX = "inv:"
# A temporary QR code lives at most 30 days (2,592,000 s); the invitation lasts as long as its QR code.
QR_SECONDS = 2_592_000
OPEN = (ExpertInvitationStatus.PENDING, ExpertInvitationStatus.FOLLOWED)


def new_scene() -> str:
    """ "inv:" + 16 URL-safe characters (96 random bits): unguessable, and well inside scene_str's 64."""
    return SCENE_PREFIX + secrets.token_urlsafe(12)


def token_of(scene: str) -> str:
    """The scene without its prefix: what the SMS link and the mini-program path carry."""
    return scene.removeprefix(SCENE_PREFIX)


async def needs_invitation(uow: Transaction, account_id: int) -> bool:
    """Once per person: not when the mini-program is bound, nor while an earlier invitation is still open."""
    now = uow.clock.now()
    found = await uow.session.scalar(
        union_all(
            select(literal(1)).select_from(MiniProgramBinding).where(MiniProgramBinding.account_id == account_id),
            select(literal(1))
            .select_from(ExpertInvitation)
            .where(
                ExpertInvitation.account_id == account_id,
                ExpertInvitation.status.in_(OPEN),
                ExpertInvitation.expires_at > now,
            ),
        ).limit(1)
    )
    return found is None


async def invite_expert(
    uow: Transaction, account_id: int, institution_id: int, actor: str, *, new_account: bool = False
) -> ExpertInvitation | None:
    """Called under the account's row lock by whatever adds the expert; None when no invitation is due.

    `new_account`: the account was created in this transaction, so nothing can be bound or open yet.
    """
    if not new_account and not await needs_invitation(uow, account_id):
        return None
    now = uow.clock.now()
    invitation = ExpertInvitation(
        account_id=account_id,
        institution_id=institution_id,
        scene=new_scene(),
        status=ExpertInvitationStatus.PENDING,
        created_at=now,
        expires_at=now + timedelta(seconds=QR_SECONDS),
        updated_at=now,
    )
    uow.session.add(invitation)
    await uow.session.flush()
    uow.record(
        "expert_invitation",
        invitation.id,
        "created",
        actor=actor,
        data={"account_id": account_id, "institution_id": institution_id},
    )
    await uow.send(
        InviteQrcode(
            invitation_id=invitation.id,
            scene=invitation.scene,
            expire_seconds=QR_SECONDS,
            source=f"expert_invitation:{invitation.id}",
        )
    )
    return invitation
