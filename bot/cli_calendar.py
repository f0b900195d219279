"""`kezhuan calendar load FILE` and `kezhuan calendar status`: the State Council holiday schedules."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import click

from bot.bootstrap import build_container
from bot.settings import Settings
from handlers.calendar.load_holiday_schedule import HolidayScheduleLoaded, LoadHolidaySchedule, load_holiday_schedule
from handlers.errors import DomainError


@click.group()
def calendar() -> None:
    """Working days: the holiday schedule of each year."""


@calendar.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def load_command(settings: Settings, file: Path) -> None:
    """Load (or replace) a year's schedule from FILE (the format of handlers/calendar/data/<year>.json) for
    every instance; recorded in the year's audit chain."""
    try:
        content = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"{file}: not a JSON file ({exc})") from exc

    async def run() -> HolidayScheduleLoaded:
        container = await build_container(settings)
        try:
            return await load_holiday_schedule(LoadHolidaySchedule(content, actor_id=None), container.uow())
        finally:
            await container.aclose()

    try:
        loaded = asyncio.run(run())
    except DomainError as exc:
        raise click.ClickException(f"{exc.code}: {exc.message}") from exc
    verb = "replaced" if loaded.replaced else "loaded"
    click.echo(
        f"{loaded.year}: {verb} {loaded.holidays} holiday(s) and {loaded.workdays} make-up workday(s) "
        f"(sha256 {loaded.digest[:12]}); instances use it from their next refresh"
    )


@calendar.command("status")
@click.pass_obj
def status_command(settings: Settings) -> None:
    """Which years have a schedule, this year and the next by the service's clock."""

    async def run() -> list[str]:
        container = await build_container(settings)
        try:
            await container.calendar.refresh(container.sessionmaker)
            this_year = container.clock.now().astimezone(container.timezone).year
            lines = []
            for year in (this_year - 1, this_year, this_year + 1):
                schedule = container.calendar.schedule_for(year)
                if schedule is None:
                    lines.append(
                        f"{year}: NO SCHEDULE - counted Monday-Friday (alert); load the State Council "
                        f"notice with `kezhuan calendar load FILE`"
                    )
                else:
                    source = schedule.source
                    reference = source.number or source.url or source.via or ""
                    lines.append(f"{year}: {source.title} {reference}".rstrip())
            return lines
        finally:
            await container.aclose()

    for line in asyncio.run(run()):
        click.echo(line)
