"""Request bodies, declared once: the same declaration reads a body (refusing a wrong type as bad input, with the
codes and messages the pages know) and gives its schema for the OpenAPI document.

A JSON body is any `Body` (`parse(raw) -> T` and `schema()`): today a frozen dataclass whose fields are annotated
with how to read them (`Fields`); a declared form can be another. `JsonBody` reads one from a request; `Upload`
reads a multipart file. A route names its `RequestBody` and its handler receives the parsed value
(miniapp_api.rest.route).

Translation only: a missing field reads as its default, and every rule about values is the use case's.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import typing
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Generic, Protocol, TypeVar
from urllib.parse import unquote

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from handlers.errors import FileTooLarge, InvalidInput
from handlers.files.policy import PURPOSES
from handlers.forms.check import read as read_form
from handlers.forms.declaration import Form
from handlers.forms.served import json_schema as form_schema

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

# Every id is a positive BIGINT; a number beyond it names nothing (and the database would refuse to compare it).
ID_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1
# Deeper JSON than any form needs is refused before it reaches the use case (and Python's recursion limit).
JSON_MAX_DEPTH = 32
# NUL (which PostgreSQL text refuses) and UTF-16 surrogates (which UTF-8 cannot encode).
BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


class Body(Protocol[T_co]):
    """A JSON request body: `parse` gives the use case's input or raises InvalidInput (invalid_field and the
    like); `schema` is its JSON schema (the OpenAPI requestBody, and what a page is served)."""

    def parse(self, raw: dict[str, Any]) -> T_co: ...

    def schema(self) -> dict[str, Any]: ...


class RequestBody(Protocol[T_co]):
    """What a route reads from the request before its handler runs, and the OpenAPI requestBody saying so."""

    async def read(self, request: web.Request) -> T_co: ...

    def openapi(self) -> dict[str, Any]: ...


@dataclasses.dataclass(frozen=True)
class JsonBody(Generic[T]):
    """A JSON object read whole (valid JSON, an object, no NUL, not too deep), then parsed by its `Body`."""

    body: Body[T]

    async def read(self, request: web.Request) -> T:
        return self.body.parse(await json_body(request))

    def openapi(self) -> dict[str, Any]:
        return {"required": True, "content": {"application/json": {"schema": self.body.schema()}}}


# --- one field: how it is read and how it is documented ---


@dataclasses.dataclass(frozen=True)
class Field(Generic[T]):
    """A body field: its reader (raw body, key → value), its JSON schema, and whether the document lists it
    as required (the use case refuses it missing; the reader gives the default)."""

    reader: Callable[[dict[str, Any], str], T]
    schema: dict[str, Any]
    required: bool = False
    key: str | None = None  # the JSON key, when it is not the attribute's name


def _doc(base: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    return {**base, **doc}


def Text(*, required: bool = False, default: str = "", key: str | None = None, **doc: Any) -> Field[str]:  # noqa: N802
    """A string; missing or null reads as `default`."""
    return Field(lambda body, name: text(body, name, default), _doc({"type": "string"}, doc), required, key)


def OptionalText(*, required: bool = False, **doc: Any) -> Field[str | None]:  # noqa: N802
    """A string, or None when missing or null (the use case then keeps what it has)."""
    return Field(optional_text, _doc({"type": "string"}, doc), required)


def Integer(*, required: bool = False, limit: int = ID_MAX, default: int = 0, **doc: Any) -> Field[int]:  # noqa: N802
    """A JSON integer within ±limit (a BIGINT by default); missing or null reads as `default`. The document may
    say narrower bounds (`minimum=…`, `maximum=…`) that the use case enforces."""
    return Field(
        lambda body, name: integer(body, name, default, maximum=limit),
        _doc({"type": "integer", "minimum": -limit, "maximum": limit}, doc),
        required,
    )


def Int32(*, required: bool = False, **doc: Any) -> Field[int]:  # noqa: N802
    """A JSON integer for an INTEGER column (a stage, basis points, a count)."""
    return Integer(required=required, limit=INT32_MAX, **doc)


def OptionalInteger(*, required: bool = False, limit: int = ID_MAX, **doc: Any) -> Field[int | None]:  # noqa: N802
    """A JSON integer within ±limit, or None when missing or null."""
    return Field(
        lambda body, name: None if body.get(name) is None else integer(body, name, maximum=limit),
        _doc({"type": ["integer", "null"], "minimum": -limit, "maximum": limit}, doc),
        required,
    )


def Boolean(*, required: bool = False, **doc: Any) -> Field[bool]:  # noqa: N802
    """true or false; missing reads as false (null is refused)."""
    return Field(boolean, _doc({"type": "boolean"}, doc), required)


def Texts(*, required: bool = False, **doc: Any) -> Field[tuple[str, ...] | None]:  # noqa: N802
    """A list of strings, or None when missing or null."""
    return Field(texts, _doc({"type": "array", "items": {"type": "string"}}, doc), required)


def TextList(*, required: bool = False, **doc: Any) -> Field[tuple[str, ...]]:  # noqa: N802
    """A list of strings; missing or null reads as empty."""
    return Field(
        lambda body, name: texts(body, name) or (), _doc({"type": "array", "items": {"type": "string"}}, doc), required
    )


def Ids(*, required: bool = False, **doc: Any) -> Field[tuple[int, ...]]:  # noqa: N802
    """A list of record ids (1..ID_MAX); missing, null or empty reads as empty."""
    return Field(ids, _doc({"type": "array", "items": {"type": "integer"}}, doc), required)


def Timestamp(*, required: bool = False, **doc: Any) -> Field[datetime]:  # noqa: N802
    """ISO 8601 with an offset (invalid_time otherwise)."""
    return Field(timestamp, _doc({"type": "string", "format": "date-time"}, doc), required)


def Day(message: str, *, required: bool = False, optional: bool = False, **doc: Any) -> Field[Any]:  # noqa: N802
    """An ISO date (YYYY-MM-DD), refused with `message` (invalid_date) otherwise; `optional`: empty or null reads
    as None."""

    def read(body: dict[str, Any], name: str) -> date | None:
        value = optional_text(body, name) if optional else text(body, name)
        if optional and not value:
            return None
        try:
            return date.fromisoformat(value or "")
        except ValueError:
            raise InvalidInput(message, code="invalid_date") from None

    return Field(read, _doc({"type": "string", "format": "date"}, doc), required)


# --- a frozen dataclass of such fields is a Body ---


@dataclasses.dataclass(frozen=True)
class Fields(Generic[T]):
    """A `Body` from a frozen dataclass whose fields are `Annotated[type, Field(...)]`: read in declaration order
    (the first wrong field is the error), documented as an object of their schemas.

    The annotations are evaluated in the class's namespace first: name a module-level reader in a `Field`, never a
    lambda (its body would not see the module's names)."""

    cls: type[T]

    @functools.cached_property
    def _fields(self) -> list[tuple[str, str, Field[Any]]]:
        # Resolved on first use: the annotations are strings naming the declaring module's globals.
        hints = typing.get_type_hints(self.cls, include_extras=True)
        out = []
        for f in dataclasses.fields(self.cls):  # type: ignore[arg-type]
            spec = next(m for m in hints[f.name].__metadata__ if isinstance(m, Field))
            out.append((f.name, spec.key or f.name, spec))
        return out

    def parse(self, raw: dict[str, Any]) -> T:
        return self.cls(**{attr: spec.reader(raw, key) for attr, key, spec in self._fields})

    def schema(self) -> dict[str, Any]:
        fields = self._fields
        return {
            "type": "object",
            "required": [key for _attr, key, spec in fields if spec.required],
            "properties": {key: spec.schema for _attr, key, spec in fields},
        }


@dataclasses.dataclass(frozen=True)
class Document:
    """A JSON object handed whole to a use case that checks it itself (a holiday schedule), with its schema."""

    described: dict[str, Any]

    def parse(self, raw: dict[str, Any]) -> dict[str, Any]:
        return raw

    def schema(self) -> dict[str, Any]:
        return self.described


def fields(cls: type[T]) -> JsonBody[T]:
    """The JSON request body declared by the dataclass `cls` (see Fields)."""
    return JsonBody(Fields(cls))


def nested(cls: type[T], *, required: bool = False, **doc: Any) -> Field[tuple[T, ...]]:
    """A list of objects each declared by the dataclass `cls` (a repeated group); missing or null reads as empty."""
    group = Fields(cls)
    return Field(
        lambda body, name: tuple(group.parse(item) for item in objects(body, name)),
        _doc({"type": "array", "items": group.schema()}, doc),
        required,
    )


# --- a multipart file ---


@dataclasses.dataclass(frozen=True)
class Upload:
    """The `file` part of a multipart body for a file purpose: (name as sent or `default_name`, bytes), read no
    further than the purpose's size limit; `missing` is the message when there is no file. The handler gets an
    `UploadedFile` and reads it when it is ready (after checking the caller's right, before a large read)."""

    purpose: str
    default_name: str
    missing: str

    async def read(self, request: web.Request) -> UploadedFile:
        return UploadedFile(request, self)

    def openapi(self) -> dict[str, Any]:
        schema = {
            "type": "object",
            "required": ["file"],
            "properties": {"file": {"type": "string", "format": "binary"}},
        }
        return {"required": True, "content": {"multipart/form-data": {"schema": schema}}}


@dataclasses.dataclass(frozen=True)
class UploadedFile:
    request: web.Request
    upload: Upload

    async def read(self) -> tuple[str, bytes]:
        """(name, bytes), or InvalidInput (file_missing, invalid_multipart) / FileTooLarge."""
        up = self.upload
        return await uploaded_file(self.request, up.purpose, up.default_name, up.missing)


# --- the readers ---


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
            if BAD_TEXT.search(value):
                raise InvalidInput("请求内容含有无效字符", code="invalid_text")
        elif isinstance(value, dict | list):
            if depth > JSON_MAX_DEPTH:
                raise InvalidInput("请求内容嵌套过深", code="invalid_json")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str):
                    stack.append((key, depth))
                stack.append((item, depth + 1))


def wrong(name: str) -> InvalidInput:
    return InvalidInput(f"字段 {name} 的格式有误", code="invalid_field")


def text(body: dict[str, Any], name: str, default: str = "") -> str:
    value = body.get(name, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise wrong(name)
    return value


def optional_text(body: dict[str, Any], name: str) -> str | None:
    return None if body.get(name) is None else text(body, name)


def integer(body: dict[str, Any], name: str, default: int = 0, *, maximum: int = ID_MAX) -> int:
    """A JSON integer within ±maximum (a BIGINT by default; pass INT32_MAX for an INTEGER column)."""
    value = body.get(name, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not -maximum <= value <= maximum:
        raise wrong(name)
    return value


def is_id(value: Any) -> bool:
    """A JSON integer that can name a record (1..ID_MAX), for lists of ids in a body."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= ID_MAX


def ids(body: dict[str, Any], name: str) -> tuple[int, ...]:
    value = body.get(name) or []
    if not isinstance(value, list) or not all(is_id(i) for i in value):
        raise wrong(name)
    return tuple(value)


def boolean(body: dict[str, Any], name: str) -> bool:
    value = body.get(name, False)
    if not isinstance(value, bool):
        raise wrong(name)
    return value


def texts(body: dict[str, Any], name: str) -> tuple[str, ...] | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise wrong(name)
    return tuple(value)


def objects(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    value = body.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise wrong(name)
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


# --- a declared form (handlers.forms) is a Body ---


@dataclasses.dataclass(frozen=True)
class FormBody(Generic[T]):
    """A `Body` from a declared form: the JSON read field by field as the form declares (a wrong type refused by
    name), handed to `cls` by keyword (the form's fields, and `draft` when the form saves drafts); the schema is
    the form's. Every other rule is the use case's, through the same form, after it has checked the caller."""

    form: Form
    cls: Callable[..., T]

    def parse(self, raw: dict[str, Any]) -> T:
        values = read_form(self.form, raw)
        if self.form.partial:  # an edit: a field not sent (or null) reads as None, and the use case keeps it
            values = {name: (value if raw.get(name) is not None else None) for name, value in values.items()}
        if self.form.draft:
            values["draft"] = boolean(raw, "draft")
        return self.cls(**values)

    def schema(self) -> dict[str, Any]:
        return form_schema(self.form)


def form(declared: Form, cls: Callable[..., T]) -> JsonBody[T]:
    """The JSON request body of a declared form, read into `cls` (see FormBody)."""
    return JsonBody(FormBody(declared, cls))
