"""GET /i/{token}: the link in an expert's invitation SMS. It redirects to the QR code image, which the
expert long-presses in WeChat to follow the official account with the invitation's scene."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING
from urllib.parse import quote

from aiohttp import web

from bot.wechat.config import resolve_wechat_config
from handlers.errors import DomainError
from handlers.expert_invitations.invitation_qrcode import invitation_qrcode_ticket

if TYPE_CHECKING:
    from bot.bootstrap import Container

INVITE_PATH = "/i/{token}"


def add_invite_page(app: web.Application, container: Container) -> None:
    config = resolve_wechat_config(container.settings)
    if config is None:
        return
    base = config.qrcode_base_url

    async def invite(request: web.Request) -> web.Response:
        try:
            ticket = await invitation_qrcode_ticket(request.match_info["token"], container.uow())
        except DomainError as exc:
            page = f"<!doctype html><meta charset=utf-8><title>科转</title><p>{escape(exc.message)}</p>"
            return web.Response(status=exc.status, text=page, content_type="text/html")
        raise web.HTTPFound(f"{base}/cgi-bin/showqrcode?ticket={quote(ticket, safe='')}")

    app.router.add_get(INVITE_PATH, invite)
