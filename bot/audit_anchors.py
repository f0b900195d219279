"""The anchor sinks the settings choose: the anchor file, and a second, independent place."""

from __future__ import annotations

from typing import Any

import aiohttp

from bot.settings import AuditSettings
from handlers.audit.anchors import AnchorSink, AuditAnchors, WorkNoticeAnchorSink
from store.audit.anchor import Anchor, FileAnchorStore
from store.uow import UnitOfWork


class HttpAnchorSink:
    """POSTs each anchored checkpoint as JSON to an endpoint someone else runs; reads them back with a GET when
    a read URL is configured (a JSON list of the records it received, or {"anchors": [...]})."""

    def __init__(self, http: aiohttp.ClientSession, url: str, read_url: str = "") -> None:
        self.http, self.url, self.read_url = http, url, read_url

    @property
    def name(self) -> str:
        return f"HTTP {self.read_url or self.url}"

    async def stage(self, uow: UnitOfWork, anchor: Anchor) -> None:
        """Nothing inside the transaction: the endpoint is called after the commit."""

    async def write(self, anchor: Anchor) -> None:
        async with self.http.post(self.url, json=anchor.record()) as response:
            if response.status >= 300:
                raise RuntimeError(f"the audit anchor endpoint answered HTTP {response.status}")

    async def read(self) -> list[Anchor] | None:
        if not self.read_url:
            return None
        async with self.http.get(self.read_url) as response:
            if response.status != 200:
                raise RuntimeError(f"the audit anchor endpoint answered HTTP {response.status}")
            body: Any = await response.json(content_type=None)
        records = body.get("anchors", []) if isinstance(body, dict) else body
        return sorted((Anchor.from_record(raw) for raw in records), key=lambda anchor: anchor.seq)


def audit_anchors(settings: AuditSettings, http: aiohttp.ClientSession) -> AuditAnchors:
    sinks: list[AnchorSink] = [FileAnchorStore(settings.anchor_path)]
    second = settings.second_anchor
    if second.kind == "file" and second.path is not None:
        sinks.append(FileAnchorStore(second.path))
    elif second.kind == "http":
        sinks.append(HttpAnchorSink(http, second.url, second.read_url))
    elif second.kind == "dingtalk":
        sinks.append(WorkNoticeAnchorSink(second.auditor_userid))
    return AuditAnchors(tuple(sinks))
