"""The relay channel `wechat.menu`: sends the official account's menu (the payload is the menu/create body)."""

from __future__ import annotations

from bot.channels.base import Delivered, OutboundMessage, PermanentError, TransientError
from bot.wechat.client import Busy, InvalidArgument, InvalidMenu, WeChatClient, WeChatError
from handlers.wechat.publish_menu import MENU_CHANNEL


class MenuChannel:
    name = MENU_CHANNEL

    def __init__(self, client: WeChatClient) -> None:
        self.client = client

    async def send(self, message: OutboundMessage) -> Delivered:
        if not isinstance(message.payload.get("button"), list):
            raise PermanentError("payload is not a menu/create body")
        try:
            await self.client.create_menu(message.payload)
        except WeChatError as exc:
            reason = f"wechat {exc.errcode}: {exc.errmsg}"
            if isinstance(exc, InvalidMenu | InvalidArgument):  # this menu is refused: sending it again cannot help
                raise PermanentError(reason) from exc
            raise TransientError(reason, retry_after=5.0 if isinstance(exc, Busy) else None) from exc
        return Delivered(provider_message_id=None)
