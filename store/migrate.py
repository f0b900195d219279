"""Schema migrations through Alembic, on the service's own async engine."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    async with engine.begin() as conn:
        await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), revision))


async def revision_autogenerate(engine: AsyncEngine, message: str) -> None:
    """For developers: `python -m store.migrate "message"` writes a new revision against SQLite."""
    async with engine.begin() as conn:
        await conn.run_sync(lambda sync: command.revision(alembic_config(sync), message=message, autogenerate=True))


if __name__ == "__main__":
    import asyncio
    import sys
    import tempfile

    from store.db import create_engine

    async def _main(message: str) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            engine = create_engine(f"sqlite+aiosqlite:///{tmp}/autogen.db")
            await upgrade(engine)
            await revision_autogenerate(engine, message)
            await engine.dispose()

    asyncio.run(_main(sys.argv[1]))
