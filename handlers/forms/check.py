"""Server validation from the declaration, in two steps:

- `read(form, raw)`: the JSON's shape, field by field as declared (a wrong type is refused by name, before the
  use case runs: invalid_field 「字段 x 的格式有误」); missing reads as empty;
- `check(form, values, context, draft=...)`: every rule, an error per field (code, Chinese message naming the
  field). A draft is held only to what the record can store (lengths, counts, known codes); required fields,
  conditional sections and cross-field rules wait for the submission. `validate` raises them after the use case
  has checked the caller's right: one error as the house error body, several as `invalid_form` with every
  field's error (`refuse`).

A partial form (a PATCH of changes) checks only the fields sent: one left out or null keeps its value.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from handlers.errors import InvalidForm, InvalidInput
from handlers.forms.declaration import ID_TYPES, INT32_MAX, LIST_TYPES, Context, Field, Form
from handlers.organisation import validation as v
from handlers.reference.regions import Regions
from handlers.reference.tech_fields import TechFields

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class FieldError:
    field: str  # the JSON key; a group's item is `group[0].name`
    code: str
    message: str


# --- the JSON's shape ---


def read(form: Form, raw: dict[str, Any]) -> dict[str, Any]:
    return _read_fields(form.fields, raw)


def _read_fields(fields: tuple[Field, ...], raw: dict[str, Any]) -> dict[str, Any]:
    return {f.name: _read(f, raw.get(f.name, _MISSING)) for f in fields}


_MISSING = object()  # a key not sent (null is sent, and a boolean refuses it)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _read(f: Field, sent: Any) -> Any:  # noqa: PLR0911 - one branch per kind of value
    if f.type == "boolean":
        if sent is _MISSING or (sent is None and f.nullable):
            return None if f.nullable else False
        if not isinstance(sent, bool):
            raise _fail(f, "shape")
        return sent
    value = None if sent is _MISSING else sent
    if f.type in ID_TYPES:
        if value is None:
            return None if f.nullable else 0
        if not _is_int(value) or not -f.limit <= value <= f.limit:
            raise _fail(f, "shape")
        return value
    if f.type == "date":
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise _fail(f, "shape")
        try:
            return date.fromisoformat(value)
        except ValueError:
            code, message = f.error("format")
            raise InvalidInput(message, code=code) from None
    if f.type == "datetime":
        if value is None and f.nullable:
            return None
        try:
            parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        # Years outside 1900–2999 are no one's (and converting such a time between zones may overflow).
        if parsed is None or not 1900 <= parsed.year <= 2999:
            raise _fail(f, "datetime_format")
        return parsed
    if f.type in ("files", "ids"):
        items = [] if value is None else value
        if not isinstance(items, list) or not all(_is_int(i) and 1 <= i <= 2**63 - 1 for i in items):
            raise _fail(f, "shape")
        return tuple(items)
    if f.type == "group":
        items = [] if value is None else value
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise _fail(f, "shape")
        return tuple(_read_fields(f.fields or (), item) for item in items)
    if f.type in LIST_TYPES:
        items = [] if value is None else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise _fail(f, "shape")
        return tuple(items)
    if value is None:
        return None if f.nullable else ""
    if not isinstance(value, str):
        raise _fail(f, "shape")
    return value


# --- the rules ---


def shown(f: Field, values: dict[str, Any]) -> bool:
    return f.when is None or values.get(f.when.field) in f.when.among


def check(
    form: Form, values: dict[str, Any], context: Context, *, draft: bool = False
) -> tuple[dict[str, Any], list[FieldError]]:
    """The cleaned values (text stripped, lists without repeats, hidden sections emptied) and every error."""
    clean, errors = _check_fields(form.fields, values, draft, "", context, partial=form.partial)
    if not draft and not errors and not form.partial:
        for rule in form.rules:
            if rule.holds is not None and not rule.holds(clean, context):
                errors.append(FieldError(rule.fields[0], rule.code, rule.message))
    return clean, errors


def validate(form: Form, values: dict[str, Any], context: Context, *, draft: bool = False) -> dict[str, Any]:
    """The cleaned values, or the errors refused (see `refuse`)."""
    clean, errors = check(form, values, context, draft=draft)
    if errors:
        raise refuse(form, errors)
    return clean


def refuse(form: Form, errors: list[FieldError]) -> InvalidInput:
    """One error: the house error body (its code and message, and its field where the form names it). Several:
    invalid_form with every field's error, the first one's message on top."""
    first = errors[0]
    field = first.field if form.field_in_error else None
    if len(errors) == 1:
        return InvalidInput(first.message, code=first.code, field=field)
    return InvalidForm(tuple({"field": e.field, "code": e.code, "message": e.message} for e in errors), field=field)


def validate_field(form: Form, name: str, value: Any, context: Context) -> Any:
    """One field of a form checked where its use case needs it (after a state check that comes first)."""
    one = dataclasses.replace(form, fields=(form.field(name),), rules=())
    return validate(one, {name: value}, context)[name]


def _check_fields(
    fields: tuple[Field, ...],
    values: dict[str, Any],
    draft: bool,
    prefix: str,
    context: Context,
    *,
    partial: bool = False,
) -> tuple[dict[str, Any], list[FieldError]]:
    clean: dict[str, Any] = {}
    errors: list[FieldError] = []
    for f in fields:
        value = values.get(f.name)
        if partial and value is None:
            clean[f.name] = None  # not sent: kept as it is
            continue
        if f.when is not None and any(e.field == f"{prefix}{f.when.field}" for e in errors):
            clean[f.name] = _empty(f)  # the field it hangs on is wrong: whether it is shown is unknown
            continue
        if not shown(f, values):
            clean[f.name] = _empty(f)  # a hidden section keeps nothing
            # …unless the field says a value sent while hidden is wrong.
            if f.hidden_refused and value not in (None, "", ()) and not draft:
                code, message = f.error("hidden")
                errors.append(FieldError(f"{prefix}{f.name}", code, message))
            continue
        try:
            clean[f.name] = _check(f, value, draft, f"{prefix}{f.name}", errors, context)
            if f.rule is not None and not draft and clean[f.name] not in (None, "", ()):
                clean[f.name] = f.rule(clean[f.name], context)
        except InvalidInput as exc:
            errors.append(FieldError(f"{prefix}{f.name}", exc.code, exc.message))
            clean[f.name] = value
    return clean, errors


def _empty(f: Field) -> Any:
    if f.type in LIST_TYPES:
        return ()
    if f.type in ID_TYPES or f.type in ("date", "datetime") or f.nullable:
        return None
    return False if f.type == "boolean" else ""


def _fail(f: Field, check_name: str, **extra: Any) -> InvalidInput:
    code, message = f.error(check_name, **extra)
    return InvalidInput(message, code=code)


def _check(f: Field, value: Any, draft: bool, key: str, errors: list[FieldError], context: Context) -> Any:  # noqa: C901, PLR0912
    if f.type in LIST_TYPES:
        items = tuple(value or ())
        if f.type != "group":
            items = tuple(dict.fromkeys(i.strip() if isinstance(i, str) else i for i in items))
            items = tuple(i for i in items if i != "")  # a blank entry is no item
        if not items and f.required and not draft:
            raise _fail(f, "required_choice")
        if f.max_items is not None and len(items) > f.max_items:
            raise _fail(f, "max_items")
        if f.min_items is not None and len(items) < f.min_items and not draft:
            raise _fail(f, "min_items")
        if f.type == "tech_fields":
            taxonomy = TechFields.load()
            if unknown := [code for code in items if taxonomy.find(code) is None]:
                raise _fail(f, "choice", value=unknown[0])
        if f.type == "multi_choice" and f.choices is not None:
            allowed = {c for c, _ in f.choices}
            if any(i not in allowed for i in items):
                raise _fail(f, "choice")
        if f.type == "group":
            cleaned = []
            for index, item in enumerate(items):
                one, problems = _check_fields(f.fields or (), item, draft, f"{key}[{index}].", context)
                errors.extend(problems)
                cleaned.append(one)
            return tuple(cleaned)
        return items
    if f.type in ID_TYPES:
        if value is None:
            if f.required and not draft:
                raise _fail(f, "required")
            return None
        if f.minimum is not None and value < f.minimum:
            raise _fail(f, "minimum")
        if f.maximum is not None and value > f.maximum:
            raise _fail(f, "maximum")
        return value
    if f.type in ("date", "datetime", "boolean"):
        if value is None and f.required and not draft:
            raise _fail(f, "required")
        if f.type == "datetime" and value is not None and value.tzinfo is None:
            raise _fail(f, "datetime_zone")
        return value
    text = (value or "").strip()
    if not text:
        if f.required and not draft:
            raise _fail(f, "required_choice" if f.type in ("choice", "region") else "required")
        return None if f.nullable else ""
    if f.max_length is not None and len(text) > f.max_length:
        raise _fail(f, "max_length")
    if f.min_length is not None and len(text) < f.min_length and not draft:
        raise _fail(f, "min_length")
    if f.type == "mobile":
        return v.mobile(text)
    if f.type == "email" and not _EMAIL.fullmatch(text):
        raise _fail(f, "format")
    if f.type == "region":
        return v.region_code(text, context.regions or Regions.load())
    if f.type == "choice" and f.choices is not None and text not in {c for c, _ in f.choices}:
        raise _fail(f, "choice")
    return text


__all__ = ["INT32_MAX", "FieldError", "check", "read", "refuse", "shown", "validate"]
