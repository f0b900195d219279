"""`kezhuan digest run [--date YYYY-MM-DD]`: run the experts' daily digest by hand (sends nothing twice)."""

from __future__ import annotations

import asyncio
from datetime import date

import click

from bot.bootstrap import build_container
from bot.digest import run_expert_digest
from bot.settings import Settings
from handlers.expert_digest.run_digest import DigestRunResult
from scheduler.lease import HOLDER


@click.group()
def digest() -> None:
    """The experts' daily digest of new demands in their subscribed fields."""


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        if len(value) != len("2026-01-01"):  # fromisoformat also takes 20260101 and week dates
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("expected YYYY-MM-DD") from None


@digest.command("run")
@click.option("--date", "day", callback=_date, default=None, help="Business date (default: today, local time).")
@click.pass_obj
def run_command(settings: Settings, day: date | None) -> None:
    """Experts already sent a digest for the date, and demands already sent to an expert, are skipped."""

    async def run() -> DigestRunResult:
        container = await build_container(settings)
        try:
            return await run_expert_digest(container, day=day, trigger="manual", instance=HOLDER)
        finally:
            await container.aclose()

    done = asyncio.run(run())
    if done.status == "busy":
        raise click.ClickException(f"a digest run for {done.business_date} is in progress on another instance")
    click.echo(f"digest {done.business_date}: {done.status}, {done.messages} message(s), {done.pairs} demand(s) paired")
