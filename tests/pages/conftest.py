"""The pages' tests run on one backend, not on both: they drive a browser through the whole service, costing tens
of seconds each, and what they check is the pages; the store's behaviour is tested on both backends elsewhere.
That backend is the production one (PostgreSQL and Redis) wherever those are configured (always with CI=true),
else the embedded one, so a fresh machine runs them too."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import PG_URL, REDIS_URL, Backend, _Databases, _require_redis

ONE_BACKEND = "production" if PG_URL is not None and REDIS_URL is not None else "embedded"


@pytest.fixture(params=[ONE_BACKEND])
async def backend(request: pytest.FixtureRequest, _databases: _Databases, tmp_path: Path) -> Backend:
    if request.param == "embedded":
        return Backend("embedded", await _databases.sqlite_copy(tmp_path / "kezhuan.db"), None)
    assert PG_URL is not None and REDIS_URL is not None
    _require_redis(REDIS_URL)
    return Backend("production", await _databases.postgres(), REDIS_URL)
