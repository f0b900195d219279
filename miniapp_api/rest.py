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

from bot.bootstrap import container_key
from handlers.auth.authenticate import Authenticated
from handlers.errors import FileTooLarge, InvalidInput
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


def path_id(request: web.Request, name: str) -> int:
    # Routes match digits only, so this cannot fail for a matched route.
    return int(request.match_info[name])


async def json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise InvalidInput("请求内容不是有效的JSON", code="invalid_json") from None
    if not isinstance(body, dict):
        raise InvalidInput("请求内容应为JSON对象", code="invalid_json")
    return body


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


def integer(body: dict[str, Any], name: str, default: int = 0) -> int:
    value = body.get(name, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong(name)
    return value


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
    """ISO 8601 with an offset; a naive time is left for the use case to refuse."""
    try:
        return datetime.fromisoformat(text(body, name))
    except ValueError:
        raise InvalidInput(f"字段 {name} 应为带时区的时间（ISO 8601）", code="invalid_time") from None


async def uploaded_file(request: web.Request, purpose: str, default_name: str, missing: str) -> tuple[str, bytes]:
    """The `file` part of a multipart body, read no further than the purpose's size limit (the use case
    checks the content's type)."""
    limit = PURPOSES[purpose]
    try:
        reader = await request.multipart()
    except (AssertionError, ValueError, KeyError):
        raise InvalidInput(missing, code="file_missing") from None
    while (part := await reader.next()) is not None:
        if isinstance(part, BodyPartReader) and part.name == "file":
            content = bytearray()
            while chunk := await part.read_chunk():
                content += chunk
                if len(content) > limit.max_bytes:
                    raise FileTooLarge(limit.too_large_message)
            return _sent_name(part.filename) or default_name, bytes(content)
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


def page_request(request: web.Request) -> PageRequest:
    try:
        return PageRequest(int(request.query.get("page", "1")), int(request.query.get("page_size", "20")))
    except ValueError:
        raise InvalidInput("分页参数有误", code="invalid_page") from None


def query_id(request: web.Request, name: str) -> int | None:
    """An optional numeric filter from the query string."""
    value = request.query.get(name)
    if value is None or value == "":
        return None
    if not value.isdigit():
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


# Answers every operation may give whatever its route, declared once (add_common_responses puts them in each).
COMMON_RESPONSES: dict[str, dict[str, Any]] = {
    "503": {
        "description": "dependency_unavailable: 服务繁忙，请稍后重试 — the database or Redis cannot be reached; "
                       "nothing was done. Ask again after the Retry-After header's seconds (also error.retry_after)",
        "headers": {"Retry-After": {"schema": {"type": "integer", "minimum": 1}}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
}


def add_common_responses(paths: dict[str, dict[str, Any]]) -> None:
    """Every operation of the document gets the common answers it does not declare itself."""
    for operations in paths.values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, response in COMMON_RESPONSES.items():
                responses.setdefault(status, response)
