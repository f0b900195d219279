"""The 0005 migration matches the models and goes down to 0004 and up again; settings reach the policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

import store.models  # noqa: F401  (every table in the metadata)
from bot.bootstrap import auth_policy
from bot.settings import Settings
from handlers.auth.policy import AuthPolicy
from store.base import Base
from store.db import create_engine
from store.migrate import alembic_config, upgrade

AUTH_TABLES = {"password_credentials", "auth_sessions", "sms_codes", "dingtalk_bindings", "mini_program_bindings"}


def _diff(sync: Connection) -> list[Any]:
    diff: list[Any] = compare_metadata(MigrationContext.configure(sync), Base.metadata)
    return diff


def _tables(sync: Connection) -> set[str]:
    return set(inspect(sync).get_table_names())


async def test_auth_migration_matches_models_and_round_trips(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'schema.db'}")
    try:
        await upgrade(engine)
        async with engine.connect() as conn:
            assert await conn.run_sync(_diff) == []
            assert await conn.run_sync(_tables) >= AUTH_TABLES
        async with engine.begin() as conn:
            await conn.run_sync(lambda sync: command.downgrade(alembic_config(sync), "0004_organisation"))
        async with engine.connect() as conn:
            tables = await conn.run_sync(_tables)
            assert not AUTH_TABLES & tables and "accounts" in tables
        await upgrade(engine)
        async with engine.connect() as conn:
            assert await conn.run_sync(_tables) >= AUTH_TABLES
    finally:
        await engine.dispose()


def test_auth_settings_come_from_the_environment(monkeypatch: Any) -> None:
    monkeypatch.setenv("KEZHUAN_AUTH__LOCKOUT_MINUTES", "30")
    monkeypatch.setenv("KEZHUAN_AUTH__SMS_DAILY_PER_NUMBER", "5")
    settings = Settings()
    policy = auth_policy(settings)
    assert policy.lockout_minutes == 30 and policy.sms_daily_per_number == 5
    assert set(settings.auth.model_dump()) < set(AuthPolicy.__dataclass_fields__)  # every setting reaches handlers
