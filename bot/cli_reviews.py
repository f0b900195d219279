"""`kezhuan reviews clock REVIEW_ID`: a review's deadline clock, explained and rebuilt from its events."""

from __future__ import annotations

import asyncio

import click

from bot.bootstrap import build_container
from bot.settings import Settings
from handlers.reviews.explain_clock import ClockReport, explain_review_clock


@click.group()
def reviews() -> None:
    """Review chains and their deadlines."""


@reviews.command("clock")
@click.argument("review_id", type=int)
@click.option("--repair", is_flag=True, help="Write the rebuilt clock back when the live one differs.")
@click.pass_obj
def clock_command(settings: Settings, review_id: int, repair: bool) -> None:
    """Print the review's clock events, the due date they give and whether the live clock agrees."""

    async def run() -> ClockReport:
        container = await build_container(settings)
        try:
            return await explain_review_clock(review_id, container.uow(), repair=repair)
        finally:
            await container.aclose()

    report = asyncio.run(run())
    for event in report.events:
        click.echo(event)
    click.echo(report.explanation)
    if report.agrees:
        click.echo("live clock agrees")
    else:
        live = report.live
        click.echo(
            f"live clock differs: due {live.due_on}, since {live.running_since}, used {live.used}"
            + (" (repaired)" if report.repaired else "")
        )
