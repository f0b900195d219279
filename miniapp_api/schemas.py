"""OpenAPI pieces for the page modules: response schemas derived from the use cases' result dataclasses
(so a field added to a view shows up in the document without a second edit) and small operation builders."""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from datetime import date, datetime
from enum import Enum
from typing import Any

ERROR_REF = {"$ref": "#/components/schemas/Error"}
_ID = re.compile(r"{(\w+)}")


def schema_of(tp: Any) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        inner = schema_of(args[0])
        if "type" in inner and isinstance(inner["type"], str):
            return {**inner, "type": [inner["type"], "null"]}
        return {"anyOf": [inner, {"type": "null"}]}
    if origin in (tuple, list):
        return {"type": "array", "items": schema_of(typing.get_args(tp)[0])}
    if origin is dict:  # a record's values as its form declares them (GET /forms/{name})
        return {"type": "object"}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        fields = [f.name for f in dataclasses.fields(tp)]
        return {"type": "object", "required": fields, "properties": {n: schema_of(hints[n]) for n in fields}}
    if isinstance(tp, type) and issubclass(tp, Enum):
        return {"type": "string", "enum": [m.value for m in tp]}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is datetime:
        return {"type": "string", "format": "date-time"}
    if tp is date:
        return {"type": "string", "format": "date"}
    return {"type": "string"}


# Ids are positive BIGINTs (miniapp_api.rest.path_id and query_id refuse anything else).
ID_SCHEMA: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}


def with_path_params(path: str, op: dict[str, Any]) -> dict[str, Any]:
    """The operation with its path's segments declared: `{…_id}` as ids (routes match digits only), any other
    (a code, a token) as a string."""
    declared = {p["name"] for p in op.get("parameters", []) if p.get("in") == "path"}
    segments = [
        {"name": n, "in": "path", "required": True, "schema": ID_SCHEMA if n.endswith("_id") else {"type": "string"}}
        for n in _ID.findall(path)
        if n not in declared
    ]
    return {**op, "parameters": segments + op.get("parameters", [])} if segments else op


def page_of(item: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "total", "page", "page_size"],
        "properties": {
            "items": {"type": "array", "items": schema_of(item)},
            "total": {"type": "integer"},
            "page": {"type": "integer", "minimum": 1},
            "page_size": {"type": "integer", "minimum": 1, "maximum": 100},
        },
    }


def obj(required: list[str], **props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": props}


STR: dict[str, Any] = {"type": "string"}
INT: dict[str, Any] = {"type": "integer"}
BOOL: dict[str, Any] = {"type": "boolean"}
PAGE_PARAMS = [
    {
        "name": "page",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1},
    },
    {
        "name": "page_size",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
    },
]
# Every route behind a token can answer these; out-of-scope records are not_found, never forbidden.
COMMON_RESPONSES: dict[str, Any] = {
    code: {"description": text, "content": {"application/json": {"schema": ERROR_REF}}}
    for code, text in {
        "401": "unauthenticated / binding_required: 请先登录",
        "403": "forbidden: the role never has this right",
    }.items()
}


def operation(
    summary: str,
    ok: tuple[str, dict[str, Any] | None],
    *,
    errors: dict[str, str] | None = None,
    paged: bool = False,
    filters: dict[str, str] | None = None,
    parameters: list[dict[str, Any]] | None = None,
    content_type: str = "application/json",
    ok_description: str = "ok",
    also: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A route's doc (miniapp_api.rest.route adds its body, its access and the answers common to its kind):
    the summary, the success status with its schema, the errors it can answer (status → "code: meaning"), and
    its query parameters (paging, id filters, any other)."""
    status, schema = ok
    response: dict[str, Any] = {"description": ok_description}
    if schema is not None:
        response["content"] = {content_type: {"schema": schema}}
    op: dict[str, Any] = {
        "summary": summary,
        "responses": {
            status: response,
            # Other success answers with the same body (a draft saved 200 beside a submission's 201): status → meaning.
            **{code: {**response, "description": text} for code, text in (also or {}).items()},
            **{
                code: {"description": text, "content": {"application/json": {"schema": ERROR_REF}}}
                for code, text in (errors or {}).items()
            },
        },
    }
    if paged:
        op["parameters"] = list(PAGE_PARAMS)
    for name, description in (filters or {}).items():
        op.setdefault("parameters", []).append(
            {"name": name, "in": "query", "required": False, "schema": ID_SCHEMA, "description": description}
        )
    if parameters:
        op.setdefault("parameters", []).extend(parameters)
    return op


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


# Any operation: the database or Redis cannot be reached (nothing was done; ask again after Retry-After), or a
# platform it needs is not configured.
UNAVAILABLE: dict[str, Any] = {
    "description": "dependency_unavailable: 服务繁忙，请稍后重试 — the database or Redis cannot be reached; nothing "
    "was done; ask again after the Retry-After header's seconds (also error.retry_after). Or "
    "*_not_configured / registry_unavailable: the platform it needs is not configured or down",
    "headers": {"Retry-After": {"schema": {"type": "integer", "minimum": 1}}},
    "content": {"application/json": {"schema": ERROR_REF}},
}


def with_common_responses(paths: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every operation with the statuses any route of its shape can answer, besides its own:
    401/403 behind a token, 404 for a path id (or code) that names nothing, 422 for bad parameters or body,
    413 for a body beyond the size limit, 503 when a dependency is down or a platform is not configured."""
    done: dict[str, dict[str, Any]] = {}
    for path, ops in paths.items():
        done[path] = {}
        for method, op in ops.items():
            common: dict[str, dict[str, Any]] = {}
            if op.get("security") != []:
                common["401"] = _error("unauthenticated: 请先登录")
                common["403"] = _error("forbidden: the role never has this right")
            if "{" in path:
                common["404"] = _error("not_found: no such record, or one outside the caller's scope")
            if op.get("parameters") or op.get("requestBody"):
                common["422"] = _error(
                    "invalid_json / invalid_text / invalid_field / invalid_query / invalid_page "
                    "/ invalid_multipart: the input is malformed"
                )
            if op.get("requestBody"):
                common["413"] = _error("request_too_large: 请求内容过大")
            common["503"] = UNAVAILABLE
            done[path][method] = {**op, "responses": {**common, **op["responses"]}}
    return done
