"""Someone followed the official account (or scanned while following) with an invitation's QR scene.

The invitation notes the follower's official-account openid and the bind message goes out as a
customer-service message: WeChat documents the mini-program text link for customer-service text, and a
follow opens that window (3 messages within a minute). Nothing here calls the platform, so the push is
answered well inside its 5 s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select

from cards.expert_invitation import bind_message, bind_page_path
from cards.outbound import custom_text
from handlers.expert_invitations.invite import SCENE_PREFIX, token_of
from handlers.wechat.followers import personal
from store.models.expert_invitations import ExpertInvitation, ExpertInvitationStatus
from store.models.organisation import Institution
from store.transaction import Transaction


class InvitationOutcome(StrEnum):
    NOT_AN_INVITATION = "not_an_invitation"  # no scene, or a scene of something else
    UNKNOWN = "unknown"  # an invitation scene we never issued
    EXPIRED = "expired"
    ALREADY_BOUND = "already_bound"
    FOLLOWED = "followed"  # the bind message is on its way


@dataclass(frozen=True)
class BindLink:
    mini_app_id: str
    page: str  # e.g. pages/bind/index
    fallback_url: str  # opened by clients that cannot open a mini-program


@dataclass(frozen=True)
class AcceptExpertInvitation:
    app_id: str
    openid: str  # the official account's openid
    scene: str | None
    link: BindLink
    event_at: datetime | None = None


def is_invitation_scene(scene: str | None) -> bool:
    return bool(scene) and str(scene).startswith(SCENE_PREFIX)


async def accept_expert_invitation(cmd: AcceptExpertInvitation, tx: Transaction) -> InvitationOutcome:
    """Runs in the follow's transaction, which claimed the push's key (and records the follow itself)."""
    if cmd.scene is None or not is_invitation_scene(cmd.scene):
        return InvitationOutcome.NOT_AN_INVITATION
    now = tx.clock.now()
    invitation = await tx.session.scalar(
        select(ExpertInvitation).where(ExpertInvitation.scene == cmd.scene).with_for_update()
    )
    if invitation is None:
        return InvitationOutcome.UNKNOWN
    if invitation.status == ExpertInvitationStatus.BOUND:
        return InvitationOutcome.ALREADY_BOUND
    if invitation.status == ExpertInvitationStatus.EXPIRED or invitation.expires_at <= now:
        if invitation.status != ExpertInvitationStatus.EXPIRED:
            invitation.status = ExpertInvitationStatus.EXPIRED
            invitation.updated_at = now
            tx.record("expert_invitation", invitation.id, "expired")
        return InvitationOutcome.EXPIRED
    if invitation.status != ExpertInvitationStatus.FOLLOWED or invitation.official_openid != cmd.openid:
        # A second scan by the same person changes nothing but gets the message again.
        invitation.status = ExpertInvitationStatus.FOLLOWED
        invitation.followed_at = invitation.followed_at or now
        invitation.official_openid = cmd.openid
        invitation.updated_at = now
        tx.record(
            "expert_invitation",
            invitation.id,
            "followed",
            data={"app_id": cmd.app_id},
            personal=personal(cmd.openid),
        )
    institution_name = await tx.session.scalar(
        select(Institution.name).where(Institution.id == invitation.institution_id)
    )
    text = bind_message(
        mini_app_id=cmd.link.mini_app_id,
        page_path=bind_page_path(cmd.link.page, token_of(invitation.scene)),
        fallback_url=cmd.link.fallback_url,
        institution_name=institution_name or "",
    )
    await tx.send(custom_text(cmd.openid, text, source=f"expert_invitation:{invitation.id}"))
    return InvitationOutcome.FOLLOWED
