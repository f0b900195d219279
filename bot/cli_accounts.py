"""`kezhuan accounts bootstrap-admin`: the operator's one way in on a new installation."""

from __future__ import annotations

import asyncio

import click

from bot.bootstrap import build_container
from bot.settings import Settings
from handlers.auth.bootstrap_system_admin import BootstrapSystemAdmin, bootstrap_system_admin
from handlers.errors import DomainError


@click.group()
def accounts() -> None:
    """Accounts an operator has to create by hand."""


@accounts.command("bootstrap-admin")
@click.option("--name", required=True, help="The system admin's real name.")
@click.option("--mobile", required=True, help="Their mainland mobile number (sign-in name).")
@click.password_option("--password", help="A starting password; it must be changed at first sign-in.")
@click.pass_obj
def bootstrap_admin_command(settings: Settings, name: str, mobile: str, password: str) -> None:
    """Create the first system admin; refused once one exists."""

    async def run() -> int:
        container = await build_container(settings)
        try:
            return await bootstrap_system_admin(BootstrapSystemAdmin(name, mobile, password), container.uow())
        finally:
            await container.aclose()

    try:
        account_id = asyncio.run(run())
    except DomainError as exc:
        raise click.ClickException(f"{exc.code}: {exc.message}") from exc
    click.echo(f"system admin created: account {account_id}; the password must be changed at first sign-in")
