"""What the pages are served (FORMS_CONTRACT.md): the form's fields, rules and the body's JSON schema, and a
version that changes whenever the declaration does."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from handlers.forms.declaration import ID_TYPES, LIST_TYPES, Field, Form


def describe(form: Form) -> dict[str, Any]:
    body = {
        "name": form.name,
        "title": form.title,
        "submit": {"method": form.submit[0], "path": form.submit[1]},
        "draft": form.draft,
        "partial": form.partial,
        "fields": [_field(f) for f in form.fields],
        "rules": [{"code": r.code, "message": r.message, "fields": list(r.fields)} for r in form.rules],
        "json_schema": {"$schema": "https://json-schema.org/draft/2020-12/schema", **json_schema(form)},
    }
    version = hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    return {"name": form.name, "title": form.title, "version": version, **body}


def _field(f: Field) -> dict[str, Any]:
    text = f.type not in ID_TYPES and f.type not in LIST_TYPES and f.type not in ("date", "datetime", "boolean")
    return {
        "name": f.name,
        "type": f.type,
        "label": f.label,
        "help": f.help,
        "required": f.required,
        "min_length": (f.min_length or 0) if text else None,
        "max_length": f.max_length if text else None,
        "minimum": f.minimum,
        "maximum": f.maximum,
        "unit": f.unit,
        "scale": f.scale,
        "max_items": f.max_items,
        "min_items": f.min_items,
        "choices": [{"value": v, "label": label} for v, label in f.choices] if f.choices is not None else None,
        "choices_source": f.choices_source,
        "file": (
            {"purpose": f.file.purpose, "accept": list(f.file.accept), "max_bytes": f.file.max_bytes}
            if f.file is not None
            else None
        ),
        "upload": {"method": f.upload[0], "path": f.upload[1]} if f.upload is not None else None,
        "section": f.section,
        "when": {"field": f.when.field, "in": list(f.when.among)} if f.when is not None else None,
        "fields": [_field(g) for g in f.fields] if f.fields is not None else None,
    }


def json_schema(form: Form) -> dict[str, Any]:
    """JSON Schema 2020-12 of the body, titles in Chinese; a draft form's body may say `draft`; a partial form's
    body requires nothing."""
    schema = _object(form.fields)
    schema["title"] = form.title
    if form.partial:
        schema["required"] = []  # only what is sent changes
    if form.draft:
        schema["properties"]["draft"] = {"type": "boolean", "title": "保存为草稿"}
    return schema


def _object(fields: tuple[Field, ...]) -> dict[str, Any]:
    return {
        "type": "object",
        # A conditional field is required only when shown: the pages read `when`, the server checks it.
        "required": [f.name for f in fields if f.required and f.when is None],
        "properties": {f.name: _property(f) for f in fields},
    }


def _property(f: Field) -> dict[str, Any]:  # noqa: C901 - one branch per type
    out: dict[str, Any] = {"title": f.label}
    if f.help:
        out["description"] = f.help
    if f.type in ID_TYPES:
        out["type"] = ["integer", "null"] if f.nullable else "integer"
        # The JSON may carry any integer within ±limit; the declared bounds are the use case's (and the page's).
        out["minimum"], out["maximum"] = -f.limit, f.limit
        if f.minimum is not None or f.maximum is not None:
            out["x-range"] = [f.minimum, f.maximum]
    elif f.type == "boolean":
        out["type"] = "boolean"
    elif f.type == "date":
        out["type"] = ["string", "null"]
        out["format"] = "date"
    elif f.type == "datetime":
        out["type"] = ["string", "null"] if f.nullable else "string"
        out["format"] = "date-time"
    elif f.type == "group":
        out["type"] = "array"
        out["items"] = _object(f.fields or ())
    elif f.type in ("files", "ids"):
        out["type"] = "array"
        out["items"] = {"type": "integer"}
    elif f.type in LIST_TYPES:
        out["type"] = "array"
        items: dict[str, Any] = {"type": "string"}
        if f.choices is not None:
            items["enum"] = [v for v, _ in f.choices]
        out["items"] = items
    else:
        out["type"] = ["string", "null"] if f.nullable else "string"
        if f.choices is not None:
            out["enum"] = [v for v, _ in f.choices]
    if f.type in LIST_TYPES:
        if f.max_items is not None:
            out["maxItems"] = f.max_items
    elif f.max_length is not None and f.type not in ID_TYPES:
        out["maxLength"] = f.max_length
    return out
