"""`kezhuan outbox list|retry`."""

from __future__ import annotations

import asyncio

import click

from bot.bootstrap import build_container
from bot.settings import Settings
from handlers.outbox.replay_dead_letters import ReplayDeadLetters, replay_dead_letters
from store.models.outbox import OutboxStatus
from store.outbox import list_messages


@click.group()
def outbox() -> None:
    """Inspect the outbox and replay dead letters."""


@outbox.command("list")
@click.option("--status", type=click.Choice([s.value for s in OutboxStatus]), default=None)
@click.option("--channel", default=None)
@click.option("--limit", type=int, default=50)
@click.pass_obj
def list_command(settings: Settings, status: str | None, channel: str | None, limit: int) -> None:
    async def run() -> None:
        container = await build_container(settings)
        try:
            async with container.sessionmaker() as session:
                rows = await list_messages(
                    session, status=OutboxStatus(status) if status else None, channel=channel, limit=limit
                )
        finally:
            await container.aclose()
        for row in rows:
            reason = row.dead_reason or row.last_error or ""
            click.echo(
                f"{row.id}\t{row.channel}\t{row.status}\tattempts={row.attempts}\t"
                f"provider_id={row.provider_message_id or '-'}\t{reason}"
            )

    asyncio.run(run())


@outbox.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "everything", is_flag=True, help="Replay every dead letter.")
@click.option("--channel", default=None, help="Replay the dead letters of one channel.")
@click.pass_obj
def retry_command(settings: Settings, ids: tuple[int, ...], everything: bool, channel: str | None) -> None:
    """Replay dead letters by id, by channel or all of them."""
    if not ids and not everything and channel is None:
        raise click.UsageError("name message ids, --channel or --all")

    async def run() -> list[int]:
        container = await build_container(settings)
        try:
            return await replay_dead_letters(
                ReplayDeadLetters(ids=ids, channel=channel, everything=everything), container.uow()
            )
        finally:
            await container.aclose()

    replayed = asyncio.run(run())
    click.echo(f"replayed {len(replayed)} dead letter(s): {' '.join(map(str, replayed))}".rstrip(": "))
