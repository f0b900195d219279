"""What every page module shares: the acting account, JSON bodies, path ids, pages, and dataclass → JSON.

Translation only: a wrong type in a body is refused here as bad input; every decision is the use case's.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.typedefs import Handler

from bot.bootstrap import container_key
from handlers.auth.authenticate import Authenticated
from handlers.errors import FileTooLarge, InvalidInput, NotFound
from handlers.files.links import FileContent
from handlers.files.policy import PURPOSES
from handlers.organisation.pages import Page, PageRequest
from miniapp_api.schemas import with_path_params

if TYPE_CHECKING:
    from bot.bootstrap import Container


# The signed-in caller, set by miniapp_api.auth's middleware on every private route.
AUTH_KEY = web.RequestKey("auth", Authenticated)


def container(request: web.Request) -> Container:
    return request.config_dict[container_key]


def actor_id(request: web.Request) -> int:
    """The signed-in account; the auth middleware has refused every request without one."""
    return request[AUTH_KEY].actor.account_id


# Every id is a positive BIGINT; a number beyond it names nothing (and the database would refuse to compare it).
ID_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1
# Deeper JSON than any form needs is refused before it reaches the use case (and Python's recursion limit).
JSON_MAX_DEPTH = 32
# NUL (which PostgreSQL text refuses) and UTF-16 surrogates (which UTF-8 cannot encode).
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


def path_id(request: web.Request, name: str) -> int:
    """A `{…_id}` segment: routes match digits only; a number beyond any id is no record (404)."""
    value = int(request.match_info[name])
    if not 1 <= value <= ID_MAX:
        raise NotFound()
    return value


async def json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (ValueError, RecursionError):
        raise InvalidInput("请求内容不是有效的JSON", code="invalid_json") from None
    if not isinstance(body, dict):
        raise InvalidInput("请求内容应为JSON对象", code="invalid_json")
    _check_json(body)
    return body


def _check_json(body: Any) -> None:
    """Depth within JSON_MAX_DEPTH and no NUL or lone surrogate in any key or string (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(body, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if _BAD_TEXT.search(value):
                raise InvalidInput("请求内容含有无效字符", code="invalid_text")
        elif isinstance(value, dict | list):
            if depth > JSON_MAX_DEPTH:
                raise InvalidInput("请求内容嵌套过深", code="invalid_json")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str):
                    stack.append((key, depth))
                stack.append((item, depth + 1))


@web.middleware
async def text_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """No NUL or lone surrogate in a query string or path, whichever adapter reads it (PostgreSQL text refuses NUL)."""
    if any(_BAD_TEXT.search(v) for pair in request.query.items() for v in pair) or _BAD_TEXT.search(request.path):
        raise InvalidInput("请求内容含有无效字符", code="invalid_text")
    return await handler(request)


def _wrong(name: str) -> InvalidInput:
    return InvalidInput(f"字段 {name} 的格式有误", code="invalid_field")


def text(body: dict[str, Any], name: str, default: str = "") -> str:
    value = body.get(name, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise _wrong(name)
    return value


def optional_text(body: dict[str, Any], name: str) -> str | None:
    return None if body.get(name) is None else text(body, name)


def integer(body: dict[str, Any], name: str, default: int = 0, *, maximum: int = ID_MAX) -> int:
    """A JSON integer within ±maximum (a BIGINT by default; pass INT32_MAX for an INTEGER column)."""
    value = body.get(name, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not -maximum <= value <= maximum:
        raise _wrong(name)
    return value


def is_id(value: Any) -> bool:
    """A JSON integer that can name a record (1..ID_MAX), for lists of ids in a body."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= ID_MAX


def int32(body: dict[str, Any], name: str) -> int:
    """A JSON integer for an INTEGER column (a stage, basis points, a count)."""
    return integer(body, name, maximum=INT32_MAX)


def boolean(body: dict[str, Any], name: str) -> bool:
    value = body.get(name, False)
    if not isinstance(value, bool):
        raise _wrong(name)
    return value


def texts(body: dict[str, Any], name: str) -> tuple[str, ...] | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _wrong(name)
    return tuple(value)


def objects(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    value = body.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _wrong(name)
    return value


def timestamp(body: dict[str, Any], name: str) -> datetime:
    """ISO 8601 with an offset; a naive time is left for the use case to refuse. Years outside 1900–2999 are
    refused here (no use case wants one, and converting such a time between zones may overflow)."""
    try:
        value = datetime.fromisoformat(text(body, name))
    except ValueError:
        value = None
    if value is None or not 1900 <= value.year <= 2999:
        raise InvalidInput(f"字段 {name} 应为带时区的时间（ISO 8601）", code="invalid_time")
    return value


async def uploaded_file(request: web.Request, purpose: str, default_name: str, missing: str) -> tuple[str, bytes]:
    """The `file` part of a multipart body, read no further than the purpose's size limit (the use case
    checks the content's type)."""
    limit = PURPOSES[purpose]
    try:
        reader = await request.multipart()
    except (AssertionError, ValueError, KeyError):  # not a multipart body at all
        raise InvalidInput(missing, code="file_missing") from None
    try:
        while (part := await reader.next()) is not None:
            if isinstance(part, BodyPartReader) and part.name == "file":
                content = bytearray()
                while chunk := await part.read_chunk():
                    content += chunk
                    if len(content) > limit.max_bytes:
                        raise FileTooLarge(limit.too_large_message)
                return _sent_name(part.filename) or default_name, bytes(content)
    except (AssertionError, ValueError, KeyError, LookupError, HttpProcessingError):
        # A malformed body or part header (aiohttp's InvalidHeader, a bad boundary, an unknown encoding).
        raise InvalidInput("上传的内容格式有误", code="invalid_multipart") from None
    raise InvalidInput(missing, code="file_missing")


_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


def _sent_name(name: str | None) -> str | None:
    """Browsers send a non-ASCII name as raw UTF-8; some clients (aiohttp's, several HTTP libraries)
    percent-encode it inside filename="…". Decoded when it is such an encoding of UTF-8, kept as sent otherwise."""
    if not name or not _PERCENT_ESCAPE.search(name):
        return name
    try:
        return unquote(name, errors="strict")
    except UnicodeDecodeError:
        return name


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


@dataclasses.dataclass(frozen=True)
class Route:
    """A route and its OpenAPI operation, declared together so neither exists without the other."""

    method: str
    path: str  # OpenAPI template; `{…_id}` segments match digits only
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    doc: dict[str, Any]


_ID_SEGMENT = re.compile(r"{(\w+_id)}")


def add_routes(app: web.Application, routes: list[Route]) -> None:
    for r in routes:
        app.router.add_route(r.method, _ID_SEGMENT.sub(r"{\1:\\d+}", r.path), r.handler)


def paths(*areas: list[Route]) -> dict[str, dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for routes in areas:
        for r in routes:
            merged.setdefault(r.path, {})[r.method.lower()] = with_path_params(r.path, r.doc)
    return merged
