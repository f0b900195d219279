"""Short-lived signed download links: for a phone's viewer (DingTalk's file preview, a WebView opening a URL) that
cannot send the session's bearer token. The signed-in caller asks for a link to a file they may open; the link
carries an unguessable token, kept in the shared coordination store for LINK_SECONDS, naming the caller and the
file. Opening it runs the same download use case as that caller again, so a right lost meanwhile closes the link.

A demand's files are signed here; other files (the Excel imports' templates and error files,
miniapp_api/import_routes.py) sign theirs with `sign` under a kind of their own and say how to open it with
`@opener(kind)`."""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from handlers.demands.open_demand_file import OpenDemandFile, find_demand_file, open_demand_file
from handlers.files.links import API_ROOT, FileLinkExpired
from miniapp_api import rest
from miniapp_api.schemas import STR, obj, operation

LINK_SECONDS = 300
_KEY = "file-link:"


@dataclass(frozen=True)
class SignedLink:
    url: str
    expires_at: datetime


Opener = Callable[[web.Request, dict[str, Any]], Awaitable[web.StreamResponse]]
_OPENERS: dict[str, Opener] = {}
DEMAND_FILE = "demand_file"


def opener(kind: str) -> Callable[[Opener], Opener]:
    """How a link of `kind` opens: the stored value (the caller's actor_id and what names the file) → the file."""

    def add(fn: Opener) -> Opener:
        _OPENERS[kind] = fn
        return fn

    return add


async def sign(request: web.Request, kind: str, value: dict[str, Any]) -> web.Response:
    """A link to the file `value` names, for the signed-in caller; the caller's right was checked by then."""
    container = rest.container(request)
    token = secrets.token_urlsafe(32)
    expires_at = container.clock.now() + timedelta(seconds=LINK_SECONDS)
    stored = {**value, "kind": kind, "actor_id": rest.actor_id(request), "expires_at": expires_at.isoformat()}
    await container.coordination.put(_KEY + token, json.dumps(stored), ttl_seconds=LINK_SECONDS)
    return rest.json(SignedLink(f"{API_ROOT}/file-links/{token}", expires_at), status=201)


async def new_link(request: web.Request) -> web.Response:
    cmd = OpenDemandFile(rest.actor_id(request), rest.path_id(request, "demand_id"), rest.path_id(request, "file_id"))
    await find_demand_file(cmd, rest.container(request).uow())  # 404 for a file the caller may not open
    return await sign(request, DEMAND_FILE, {"demand_id": cmd.demand_id, "file_id": cmd.file_id})


@opener(DEMAND_FILE)
async def _open_demand_file(request: web.Request, value: dict[str, Any]) -> web.StreamResponse:
    container = rest.container(request)
    cmd = OpenDemandFile(int(value["actor_id"]), int(value["demand_id"]), int(value["file_id"]))
    return rest.download(request, await open_demand_file(cmd, container.uow(), container.files))


async def open_link(request: web.Request) -> web.StreamResponse:
    container = rest.container(request)
    raw = await container.coordination.get(_KEY + request.match_info["token"])
    if raw is None:
        raise FileLinkExpired()
    value = json.loads(raw)
    # The store's own expiry runs on its clock; the business clock decides too (and drives the tests).
    if container.clock.now() >= datetime.fromisoformat(value["expires_at"]):
        raise FileLinkExpired()
    return await _OPENERS[value.get("kind", DEMAND_FILE)](request, value)


LINK_SCHEMA = obj(["url", "expires_at"], url=STR, expires_at={**STR, "format": "date-time"})
_link_doc = operation(
    f"A signed link to a file of the demand the caller may open, valid {LINK_SECONDS} seconds, for a viewer that "
    "sends no bearer token",
    ("201", LINK_SCHEMA),
    errors={"404": "file_not_found"},
)
_open_doc = operation(
    "The file behind a signed link (no bearer token): the link's account must still be allowed to open it",
    ("200", {"type": "string", "format": "binary"}),
    errors={"404": "file_link_expired / file_not_found"},
    content_type="application/octet-stream",
)

ROUTES = [
    rest.route("POST", "/demands/{demand_id}/files/{file_id}/link", new_link, _link_doc),
    # The token is the authorisation.
    rest.route("GET", "/file-links/{token}", open_link, _open_doc, access=rest.Access.PUBLIC),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
