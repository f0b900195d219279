"""`kezhuan wechat menu`: queue the configured official-account menu for menu/create."""

from __future__ import annotations

import asyncio
import json

import click

from bot.bootstrap import build_container
from bot.settings import Settings
from bot.wechat.wiring import configured_menu, publish_configured_menu
from store.migrate import upgrade

NOT_CONFIGURED = "no official account is configured (KEZHUAN_WECHAT__APP_ID, or sandbox mode)"


@click.group()
def wechat() -> None:
    """The official account."""


@wechat.command("menu")
@click.option("--force", is_flag=True, help="Queue it even if this menu was queued last (e.g. after a console edit).")
@click.option("--show", is_flag=True, help="Print the menu/create body and queue nothing.")
@click.pass_obj
def menu_command(settings: Settings, force: bool, show: bool) -> None:
    if show:
        menu = configured_menu(settings)
        if menu is None:
            raise click.ClickException(NOT_CONFIGURED)
        click.echo(json.dumps(menu.body, ensure_ascii=False, indent=2))
        return

    async def run() -> None:
        container = await build_container(settings)
        try:
            await upgrade(container.engine)
            published = await publish_configured_menu(container, force=force)
        finally:
            await container.aclose()
        if published is None:
            raise click.ClickException(NOT_CONFIGURED)
        state = "queued; the relay sends it" if published.queued else "unchanged since it was last queued"
        click.echo(f"menu {published.digest}: {state}")

    asyncio.run(run())
