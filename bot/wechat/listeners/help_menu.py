"""「帮助」 (keyword or menu) and any text no keyword claimed: fixed answers, no side effect, no round trip."""

from __future__ import annotations

from bot.wechat.router import InboundMessage, MessageRouter
from cards.official_account import FALLBACK_TEXT, HELP_TEXT

HELP_KEYWORDS = ("帮助", "help", "?", "？")
HELP_MENU_KEY = "help"


def register(router: MessageRouter) -> None:
    @router.keyword(*HELP_KEYWORDS)
    @router.menu(HELP_MENU_KEY)
    @router.immediate
    async def on_help(_message: InboundMessage) -> str | None:
        return HELP_TEXT  # no side effect: answered without a database or Redis round trip

    @router.text
    @router.immediate
    async def on_text(_message: InboundMessage) -> str | None:
        return FALLBACK_TEXT
