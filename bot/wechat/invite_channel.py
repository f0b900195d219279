"""The invitation QR code relay channel: makes an expert invitation's temporary QR code, then hands
the ticket to a use case that keeps it and enqueues the SMS (see handlers/expert_invitations/invite.py)."""

from __future__ import annotations

from collections.abc import Callable

from bot.channels.base import Delivered, OutboundMessage, PermanentError, TransientError, read
from bot.wechat.client import Busy, InvalidArgument, WeChatClient, WeChatError
from cards.outbound import Channel, InviteQrcode
from handlers.expert_invitations.record_invitation_qrcode import RecordInvitationQrcode, record_invitation_qrcode
from store.uow import UnitOfWork

MAX_SCENE = 64  # scene_str: 1–64 characters
MAX_EXPIRE_SECONDS = 2_592_000  # 30 days


class InviteQrcodeChannel:
    """An `InviteQrcode`."""

    name = Channel.WECHAT_INVITE_QRCODE

    def __init__(self, client: WeChatClient, uow: Callable[[], UnitOfWork], *, sms_template: str) -> None:
        self.client = client
        self.uow = uow
        self.sms_template = sms_template

    async def send(self, message: OutboundMessage) -> Delivered:
        qrcode = read(InviteQrcode, message)
        scene, invitation_id = qrcode.scene, qrcode.invitation_id
        if len(scene) > MAX_SCENE:
            raise PermanentError("payload needs an invitation_id and a scene of 1–64 characters")
        expire = max(60, min(qrcode.expire_seconds or MAX_EXPIRE_SECONDS, MAX_EXPIRE_SECONDS))
        try:
            result = await self.client.create_temporary_qrcode(scene, expire_seconds=expire)
        except WeChatError as exc:
            reason = f"wechat {exc.errcode}: {exc.errmsg}"
            if isinstance(exc, InvalidArgument):
                raise PermanentError(reason) from exc
            raise TransientError(reason, retry_after=5.0 if isinstance(exc, Busy) else None) from exc
        ticket, url = str(result.get("ticket") or ""), str(result.get("url") or "")
        if not ticket:
            raise TransientError("qrcode/create answered without a ticket")
        # Recorded (and the SMS enqueued) before this row settles: a failure here retries the whole send,
        # and a second QR code for the same scene is harmless.
        await record_invitation_qrcode(
            RecordInvitationQrcode(
                invitation_id, ticket, url, int(result.get("expire_seconds") or expire), self.sms_template
            ),
            self.uow(),
        )
        return Delivered(provider_message_id=ticket[:64])
