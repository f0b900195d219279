"""The relay channel `wechat.invite_qrcode`: makes an expert invitation's temporary QR code, then hands
the ticket to a use case that keeps it and enqueues the SMS (see handlers/expert_invitations/invite.py)."""

from __future__ import annotations

from collections.abc import Callable

from bot.channels.base import Delivered, OutboundMessage, PermanentError, TransientError
from bot.wechat.client import Busy, InvalidArgument, WeChatClient, WeChatError
from handlers.expert_invitations.record_invitation_qrcode import RecordInvitationQrcode, record_invitation_qrcode
from store.uow import UnitOfWork

MAX_SCENE = 64  # scene_str: 1–64 characters
MAX_EXPIRE_SECONDS = 2_592_000  # 30 days


class InviteQrcodeChannel:
    """payload: {invitation_id, scene, expire_seconds}."""

    name = "wechat.invite_qrcode"

    def __init__(self, client: WeChatClient, uow: Callable[[], UnitOfWork], *, sms_template: str) -> None:
        self.client = client
        self.uow = uow
        self.sms_template = sms_template

    async def send(self, message: OutboundMessage) -> Delivered:
        payload = message.payload
        scene = str(payload.get("scene") or "")
        invitation_id = payload.get("invitation_id")
        if not scene or len(scene) > MAX_SCENE or not isinstance(invitation_id, int):
            raise PermanentError("payload needs an invitation_id and a scene of 1–64 characters")
        expire = max(60, min(int(payload.get("expire_seconds") or MAX_EXPIRE_SECONDS), MAX_EXPIRE_SECONDS))
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
