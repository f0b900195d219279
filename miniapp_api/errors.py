"""The REST channel's one error middleware: domain errors → HTTP status, stable code, Chinese message."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.availability import count_unavailable, dependency_unavailable
from handlers.errors import DomainError, InvalidForm

log = logging.getLogger(__name__)


def error_body(
    code: str,
    message: str,
    field: str | None = None,
    *,
    retry_after: int | None = None,
    fields: tuple[dict[str, str], ...] | None = None,
) -> dict[str, dict[str, Any]]:
    """The one error shape: a stable code, a Chinese message, the field it is about and when to ask again; a
    form with several wrong fields (invalid_form) lists each field's error in `fields`."""
    body: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        body["field"] = field
    if retry_after is not None:
        body["retry_after"] = retry_after
    if fields is not None:
        body["fields"] = [dict(f) for f in fields]
    return {"error": body}


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except Exception as exc:
        return error_response(request, exc)


def error_response(request: web.BaseRequest, exc: Exception) -> web.Response:
    """The answer to what a handler raised, in the one error shape; re-raises the HTTP exceptions aiohttp
    answers itself. Shared by this middleware and the routes served without it (bot.web's direct routes)."""
    if isinstance(exc, DomainError):
        return _domain_error(exc)
    if isinstance(exc, web.HTTPNotFound):
        return web.json_response(error_body("not_found", "未找到请求的资源"), status=404)
    if isinstance(exc, web.HTTPMethodNotAllowed):
        return web.json_response(error_body("method_not_allowed", "不支持该请求方式"), status=405)
    if isinstance(exc, web.HTTPRequestEntityTooLarge):
        return web.json_response(error_body("request_too_large", "请求内容过大"), status=413)
    if isinstance(exc, web.HTTPException):
        raise exc
    # The database or Redis unreachable: nothing was done, ask again shortly (a 503 any client retries).
    if (unavailable := dependency_unavailable(exc)) is not None:
        count_unavailable(unavailable, "rest", exc, path=request.path, method=request.method)
        return _domain_error(unavailable)
    log.exception("unhandled error", extra={"path": request.path, "method": request.method}, exc_info=exc)
    return web.json_response(error_body("internal_error", "服务暂时不可用，请稍后再试"), status=500)


def _domain_error(exc: DomainError) -> web.Response:
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else None
    fields = exc.errors if isinstance(exc, InvalidForm) else None
    body = error_body(exc.code, exc.message, exc.field, retry_after=exc.retry_after, fields=fields)
    return web.json_response(body, status=exc.status, headers=headers)
