"""The platform made the invitation's QR code: keep its ticket and URL, and send the SMS with the link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from cards.expert_invitation import invitation_sms_params
from cards.outbound import SmsMessage
from handlers.expert_invitations.invite import token_of
from store.models.expert_invitations import ExpertInvitation, ExpertInvitationStatus
from store.models.organisation import Account, Institution
from store.uow import UnitOfWork


@dataclass(frozen=True)
class RecordInvitationQrcode:
    invitation_id: int
    ticket: str
    url: str
    expire_seconds: int
    sms_template: str  # the provider's template code (a setting)


@dataclass(frozen=True)
class InvitationQrcodeRecorded:
    sms_sent: bool  # False: a repeated delivery, or the invitation ended meanwhile


async def record_invitation_qrcode(cmd: RecordInvitationQrcode, uow: UnitOfWork) -> InvitationQrcodeRecorded:
    async with uow:
        invitation = await uow.session.scalar(
            select(ExpertInvitation).where(ExpertInvitation.id == cmd.invitation_id).with_for_update()
        )
        # A QR code made again after a lost answer changes nothing: the first one is in the SMS already.
        if (
            invitation is None
            or invitation.qr_ticket is not None
            or invitation.status != ExpertInvitationStatus.PENDING
        ):
            return InvitationQrcodeRecorded(sms_sent=False)
        now = uow.clock.now()
        invitation.qr_ticket = cmd.ticket[:256]
        invitation.qr_url = cmd.url[:256]
        invitation.expires_at = now + timedelta(seconds=cmd.expire_seconds)
        invitation.updated_at = now
        account = await uow.session.get(Account, invitation.account_id)
        institution = await uow.session.get(Institution, invitation.institution_id)
        assert account is not None and institution is not None  # foreign keys
        uow.record(
            "expert_invitation", invitation.id, "qrcode_created", data={"expires_at": invitation.expires_at.isoformat()}
        )
        await uow.send(
            SmsMessage(
                recipient=account.mobile,
                template_code=cmd.sms_template,
                params=invitation_sms_params(account.name, institution.name, token_of(invitation.scene)),
                source=f"expert_invitation:{invitation.id}",
            )
        )
        await uow.commit()
        return InvitationQrcodeRecorded(sms_sent=True)
