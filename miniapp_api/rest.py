"""What every page module shares: the one way to declare a route, the acting account, path ids, pages, and
dataclass → JSON. Request bodies are declared in miniapp_api.body.

Translation only: a wrong type in a body or parameter is refused here as bad input; every decision is the use case's.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar, overload
from urllib.parse import quote

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.bootstrap import container_key
from handlers.auth.authenticate import Authenticated
from handlers.errors import InvalidInput, NotFound
from handlers.files.links import FileContent
from handlers.organisation.pages import Page, PageRequest
from miniapp_api.body import BAD_TEXT, ID_MAX, RequestBody
from miniapp_api.schemas import COMMON_RESPONSES, with_path_params

if TYPE_CHECKING:
    from bot.bootstrap import Container


# The signed-in caller, set by miniapp_api.auth's middleware on every private route.
AUTH_KEY = web.RequestKey("auth", Authenticated)


def container(request: web.Request) -> Container:
    return request.config_dict[container_key]


def actor_id(request: web.Request) -> int:
    """The signed-in account; the auth middleware has refused every request without one."""
    return request[AUTH_KEY].actor.account_id


def path_id(request: web.Request, name: str) -> int:
    """A `{…_id}` segment: routes match digits only; a number beyond any id is no record (404)."""
    value = int(request.match_info[name])
    if not 1 <= value <= ID_MAX:
        raise NotFound()
    return value


@web.middleware
async def text_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """No NUL or lone surrogate in a query string or path, whichever adapter reads it (PostgreSQL text refuses NUL)."""
    if any(BAD_TEXT.search(v) for pair in request.query.items() for v in pair) or BAD_TEXT.search(request.path):
        raise InvalidInput("请求内容含有无效字符", code="invalid_text")
    return await handler(request)


PAGE_MAX = 1_000_000  # far beyond any list; keeps the offset a small number for the database


def page_request(request: web.Request) -> PageRequest:
    page, size = request.query.get("page", "1"), request.query.get("page_size", "20")
    if not (_digits(page) and _digits(size)) or not 1 <= int(page) <= PAGE_MAX:
        raise InvalidInput("分页参数有误", code="invalid_page")
    return PageRequest(int(page), int(size))


def _digits(value: str) -> bool:
    """ASCII digits only, at most 19 of them (str.isdigit takes any script's digits)."""
    return 0 < len(value) <= 19 and value.isascii() and value.isdigit()


def query_id(request: web.Request, name: str) -> int | None:
    """An optional id filter from the query string: 1..ID_MAX."""
    value = request.query.get(name)
    if value is None or value == "":
        return None
    if not _digits(value) or not 1 <= int(value) <= ID_MAX:
        raise InvalidInput(f"查询参数 {name} 应为数字", code="invalid_query")
    return int(value)


def plain(value: Any) -> Any:
    """A use case's result as JSON values: dataclasses as objects, times as ISO 8601, enums as their value."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def json(value: Any, status: int = 200) -> web.Response:
    return web.json_response(plain(value), status=status)


def download(request: web.Request, file: FileContent) -> web.Response:
    """The stored bytes under their original name and detected type. `?inline=1` asks a phone to show a picture or
    PDF in place. The name goes as RFC 5987 `filename*` (UTF-8, so 合同.pdf survives) with an ASCII `filename`
    for clients that read only that."""
    disposition = "inline" if request.query.get("inline") == "1" else "attachment"
    return web.Response(
        body=file.content,
        headers={
            "Content-Type": file.mime,
            "Content-Disposition": f'{disposition}; filename="{ascii_filename(file.name)}"; '
            f"filename*=UTF-8''{quote(file.name, safe='')}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


def ascii_filename(name: str) -> str:
    """A stand-in for clients without RFC 5987: the name's ASCII letters, digits and punctuation, or `file.<ext>`."""
    stem, dot, extension = name.rpartition(".")
    plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    plain = "".join(ch for ch in plain if ch.isalnum() or ch in "-_ .()").strip(" .")
    if not any(ch.isalnum() for ch in plain):
        plain = "file"
    return f"{plain}{dot}{extension}" if dot else plain


def page_json(page: Page[Any]) -> web.Response:
    return web.json_response(
        {"items": plain(page.items), "total": page.total, "page": page.page, "page_size": page.page_size}
    )


class Access(Enum):
    """Who may call a route; the auth middleware (miniapp_api.auth) enforces it and the document says it."""

    SIGNED_IN = "signed_in"  # a bearer token of a bound account: every route unless it says otherwise
    PUBLIC = "public"  # no token (sign-in, reference data, signed file links)
    PENDING = "pending"  # also a pending mini-program session, whose token the use case checks itself


Responder = Callable[[web.Request], Awaitable[web.StreamResponse]]
B = TypeVar("B")


@dataclasses.dataclass(frozen=True)
class Route:
    """A route, its OpenAPI operation, its request body and who may call it, declared together (see `route`)."""

    method: str
    path: str  # OpenAPI template; `{…_id}` segments match digits only
    handler: Responder  # the body, if any, already read and handed over
    doc: dict[str, Any]  # schemas.operation(...): summary, responses, query parameters
    body: RequestBody[Any] | None = None
    access: Access = Access.SIGNED_IN
    # Reachable while an admin-set password awaits its change (otherwise password_change_required).
    while_password_change_due: bool = False

    def operation(self) -> dict[str, Any]:
        op = dict(self.doc)
        if self.access is not Access.PUBLIC:
            op["responses"] = {**COMMON_RESPONSES, **op["responses"]}
        else:
            op["security"] = []
        if self.body is not None:
            op["requestBody"] = self.body.openapi()
        return with_path_params(self.path, op)


@overload
def route(
    method: str,
    path: str,
    handler: Responder,
    doc: dict[str, Any],
    *,
    access: Access = Access.SIGNED_IN,
    while_password_change_due: bool = False,
) -> Route: ...


@overload
def route(
    method: str,
    path: str,
    handler: Callable[[web.Request, B], Awaitable[web.StreamResponse]],
    doc: dict[str, Any],
    *,
    body: RequestBody[B],
    access: Access = Access.SIGNED_IN,
    while_password_change_due: bool = False,
) -> Route: ...


def route(
    method: str,
    path: str,
    handler: Any,
    doc: dict[str, Any],
    *,
    body: RequestBody[Any] | None = None,
    access: Access = Access.SIGNED_IN,
    while_password_change_due: bool = False,
) -> Route:
    """The one way to declare a route: method, path, handler, its operation (summary, responses, errors) and,
    when it takes one, its request body — read and validated before the handler runs, which receives the
    parsed value as its second argument, and documented as the operation's requestBody."""
    if "requestBody" in doc or "security" in doc:
        raise ValueError(f"{method} {path}: the body and the access belong to the route, not to its doc")
    if body is None:
        responder: Responder = handler
    else:
        declared = body

        async def responder(request: web.Request) -> web.StreamResponse:
            response: web.StreamResponse = await handler(request, await declared.read(request))
            return response

    return Route(method, path, responder, doc, body, access, while_password_change_due)


_ID_SEGMENT = re.compile(r"{(\w+_id)}")
ROUTE_ACCESS = web.AppKey("route_access", dict[web.AbstractRoute, Route])


def add_routes(app: web.Application, routes: list[Route]) -> None:
    """Each route under its path, remembered so the auth middleware knows who may call it."""
    known = app.setdefault(ROUTE_ACCESS, {})
    for r in routes:
        path = _ID_SEGMENT.sub(r"{\1:\\d+}", r.path)
        if r.method == "GET":  # HEAD answers like GET without the body, as aiohttp's add_get would
            known[app.router.add_route("HEAD", path, r.handler)] = r
        known[app.router.add_route(r.method, path, r.handler)] = r


def declared_route(request: web.Request) -> Route | None:
    """The declaration of the route a request matched (None when none matched: a 404 or 405)."""
    if request.match_info.http_exception is not None:
        return None
    return request.config_dict.get(ROUTE_ACCESS, {}).get(request.match_info.route)


def paths(*areas: list[Route]) -> dict[str, dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for routes in areas:
        for r in routes:
            merged.setdefault(r.path, {})[r.method.lower()] = r.operation()
    return merged
