"""`kezhuan dingtalk events|replay-events`: the kept contact events, and applying again the ones that failed."""

from __future__ import annotations

import asyncio

import click
from sqlalchemy import select

from bot.bootstrap import build_container
from bot.dingtalk.wiring import contact_events
from bot.settings import Settings
from handlers.membership.contact_events import ReplayContactEvents, replay_contact_events
from store.models.dingtalk import DingTalkContactEvent


@click.group()
def dingtalk() -> None:
    """DingTalk contact events kept for replay."""


@dingtalk.command("events")
@click.option("--status", type=click.Choice(["pending", "done", "unreadable", "failed"]), default=None)
@click.option("--limit", type=int, default=50)
@click.pass_obj
def events_command(settings: Settings, status: str | None, limit: int) -> None:
    """The latest kept contact events: id, type, status, attempts, the error and the raw payload."""

    async def run() -> list[DingTalkContactEvent]:
        container = await build_container(settings)
        try:
            async with container.sessionmaker() as session:
                query = select(DingTalkContactEvent).order_by(DingTalkContactEvent.id.desc()).limit(limit)
                if status:
                    query = query.where(DingTalkContactEvent.status == status)
                return list(await session.scalars(query))
        finally:
            await container.aclose()

    for row in asyncio.run(run()):
        click.echo(
            f"{row.id}\t{row.event_type}\t{row.status}\tattempts={row.attempts}\t{row.last_error or ''}\t{row.payload}"
        )


@dingtalk.command("replay-events")
@click.argument("ids", nargs=-1, type=int)
@click.pass_obj
def replay_command(settings: Settings, ids: tuple[int, ...]) -> None:
    """Applies again the named kept events (never one applied already), or every unreadable and failed one."""

    async def run() -> list[tuple[int, str]]:
        container = await build_container(settings)
        try:
            replayed = await replay_contact_events(ReplayContactEvents(ids), container.uow())
            handler = contact_events(container)
            return [(row_id, await handler.apply(row_id)) for row_id in replayed]
        finally:
            await container.aclose()

    results = asyncio.run(run())
    for row_id, status in results:
        click.echo(f"{row_id}\t{status}")
    click.echo(f"replayed {len(results)} contact event(s)")
