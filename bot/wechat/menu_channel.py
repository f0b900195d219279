"""The menu relay channel: sends the official account's menu (a `MenuMessage`, the menu/create body)."""

from __future__ import annotations

from bot.channels.base import Delivered, OutboundMessage, PermanentError, TransientError, read
from bot.wechat.client import Busy, InvalidArgument, InvalidMenu, WeChatClient, WeChatError
from cards.outbound import Channel, MenuMessage


class MenuChannel:
    name = Channel.WECHAT_MENU

    def __init__(self, client: WeChatClient) -> None:
        self.client = client

    async def send(self, message: OutboundMessage) -> Delivered:
        menu = read(MenuMessage, message)
        try:
            await self.client.create_menu(menu.body)
        except WeChatError as exc:
            reason = f"wechat {exc.errcode}: {exc.errmsg}"
            if isinstance(exc, InvalidMenu | InvalidArgument):  # this menu is refused: sending it again cannot help
                raise PermanentError(reason) from exc
            raise TransientError(reason, retry_after=5.0 if isinstance(exc, Busy) else None) from exc
        return Delivered(provider_message_id=None)
