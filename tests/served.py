"""The test server as `kezhuan serve` runs the application: with bot.front_door's runner."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestServer

from bot.front_door import WebRunner


class ServedApp(TestServer):
    async def _make_runner(self, **kwargs: Any) -> WebRunner:
        return WebRunner(self.app, **kwargs)
