"""A small structural check of a response against its operation's schema in the served document: the keys,
the JSON types and the nesting (enough to catch a view and its documented schema drifting apart)."""

from __future__ import annotations

from typing import Any, cast

from miniapp_api.app import OPENAPI

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "boolean": (bool,),
    "null": (type(None),),
}


def response_schema(method: str, path: str, status: str = "200") -> dict[str, Any]:
    """The documented JSON schema; {} (anything) where the document gives none, as for itself."""
    paths = cast(dict[str, Any], OPENAPI["paths"])
    content = paths[path][method.lower()]["responses"][status]["content"]
    return cast(dict[str, Any], content["application/json"].get("schema", {}))


def problems(schema: dict[str, Any], value: Any, where: str = "$") -> list[str]:
    if "anyOf" in schema:
        if any(not problems(s, value, where) for s in schema["anyOf"]):
            return []
        return [f"{where}: matches no alternative"]
    kinds = schema.get("type")
    if kinds is None:
        return []
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if not any(isinstance(value, _TYPES[k]) and not (k == "integer" and isinstance(value, bool)) for k in kinds):
        return [f"{where}: {type(value).__name__} is not {kinds}"]
    found: list[str] = []
    if isinstance(value, dict) and "properties" in schema:
        props = schema["properties"]
        found += [f"{where}.{k}: missing" for k in schema.get("required", []) if k not in value]
        found += [f"{where}.{k}: undocumented" for k in value if k not in props]
        for k, v in value.items():
            if k in props:
                found += problems(props[k], v, f"{where}.{k}")
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            found += problems(schema["items"], v, f"{where}[{i}]")
    return found
