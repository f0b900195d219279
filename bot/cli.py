"""The `kezhuan` command line."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from typing import Any

import click

from bot.logs import configure_logging
from bot.service import ROLES, run, serve, serve_workers
from bot.settings import Settings


def _run(coro: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(coro)


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """科转 kezhuan: technology-transfer backend."""
    settings = Settings()
    configure_logging(level=settings.log_level, json_output=settings.log_json)
    ctx.obj = settings


@main.command("serve")
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES), help="Roles to run (default: all).")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Web processes on the one port (SO_REUSEPORT); the first also runs the other roles.",
)
@click.pass_obj
def serve_command(settings: Settings, roles: tuple[str, ...], workers: int) -> None:
    """Run the service with PostgreSQL and Redis as configured."""
    roles = roles or ROLES
    if workers == 1:
        run(serve(settings, roles))
        return
    if "web" not in roles:
        raise click.UsageError("--workers is for the web role")
    sys.exit(serve_workers(settings, roles, workers))


@main.command("demo")
@click.option("--port", type=int, default=None)
@click.pass_obj
def demo_command(settings: Settings, port: int | None) -> None:
    """All-in-one sandbox: SQLite, in-process Redis, fake platforms, demo data, console."""
    updates: dict[str, Any] = {"sandbox": True}
    if port is not None:
        updates["port"] = port
    if "database_url" not in settings.model_fields_set:
        # The platform fakes live in memory, so the demo's own database starts afresh with them:
        # otherwise it would remember cards, followers and sent messages the fakes have forgotten.
        demo_db = settings.data_dir / "demo.db"
        for stale in (demo_db, demo_db.with_name("demo.db-wal"), demo_db.with_name("demo.db-shm")):
            stale.unlink(missing_ok=True)
        updates["database_url"] = f"sqlite+aiosqlite:///{demo_db}"
    settings = settings.model_copy(update=updates)
    settings = settings.model_copy(
        update={"test_channel_url": f"http://{settings.host}:{settings.port}/sandbox/test-provider"}
    )
    click.echo(f"kezhuan sandbox console: {settings.base_url}/sandbox", err=True)
    _run(serve(settings, ROLES, demo=True))


@main.command("migrate")
@click.pass_obj
def migrate_command(settings: Settings) -> None:
    """Bring the database schema to the newest revision."""
    from store.db import create_engine
    from store.migrate import upgrade

    async def run() -> None:
        engine = create_engine(settings.database_url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    _run(run())
    click.echo("database is at the newest revision")


from bot.cli_accounts import accounts  # noqa: E402
from bot.cli_audit import audit  # noqa: E402
from bot.cli_calendar import calendar  # noqa: E402
from bot.cli_digest import digest  # noqa: E402
from bot.cli_dingtalk import dingtalk  # noqa: E402
from bot.cli_outbox import outbox  # noqa: E402
from bot.cli_points import points  # noqa: E402
from bot.cli_reviews import reviews  # noqa: E402
from bot.cli_wechat import wechat  # noqa: E402

main.add_command(outbox)
main.add_command(audit)
main.add_command(accounts)
main.add_command(points)
main.add_command(wechat)
main.add_command(digest)
main.add_command(calendar)
main.add_command(dingtalk)
main.add_command(reviews)

if __name__ == "__main__":
    sys.exit(main())
