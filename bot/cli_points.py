"""`kezhuan points rebuild`: delete the ledger entries and derive them again from the event log."""

from __future__ import annotations

import asyncio

import click

from bot.bootstrap import build_container
from bot.settings import Settings
from handlers.points.rebuild_points import PointsRebuilt, RebuildPoints, rebuild_points


@click.group()
def points() -> None:
    """Contribution points ledger."""


@points.command("rebuild")
@click.option("--version", "version", type=int, default=None, help="Rule-set version (default: the current).")
@click.pass_obj
def rebuild_command(settings: Settings, version: int | None) -> None:
    """Replay every point event under the chosen rule set; totals are re-derived, events are untouched."""

    async def run() -> PointsRebuilt:
        container = await build_container(settings)
        try:
            return await rebuild_points(RebuildPoints(version), container.uow())
        finally:
            await container.aclose()

    done = asyncio.run(run())
    click.echo(
        f"rule set v{done.rule_set_version}: {done.events} event(s) -> {done.entries} entr(ies), "
        f"{done.total_points} point(s) in total"
    )
