"""The field-by-field difference between an approved registration and a change request (基础信息变更, seed 000
一.6): what the city bureau reviews on the card and the page. Pure: the form declaration gives the labels and the
choices' labels; a repeated group is compared item by item, each of its fields a row of its own."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from handlers.forms.declaration import Field, Form


@dataclass(frozen=True)
class FieldChange:
    field: str  # the JSON key; a group's item as `cases[1].content`
    label: str  # 「典型案例（第2项）·案例内容」
    old: str  # as the reader sees it: a choice's label, a list joined with 、; "" for nothing
    new: str


def difference(form: Form, old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    """Every field whose value differs, in the form's order; a field hidden on both sides is not compared."""
    changes: list[FieldChange] = []
    for f in form.fields:
        before, after = old.get(f.name), new.get(f.name)
        if f.type == "group":
            changes += _group(f, list(before or ()), list(after or ()))
        elif _empty(before) and _empty(after):
            continue
        elif _normal(before) != _normal(after):
            changes.append(FieldChange(f.name, f.label, shown(f, before), shown(f, after)))
    return tuple(changes)


def _group(f: Field, before: list[Any], after: list[Any]) -> list[FieldChange]:
    rows: list[FieldChange] = []
    for n in range(max(len(before), len(after))):
        was = before[n] if n < len(before) else {}
        now = after[n] if n < len(after) else {}
        for sub in f.fields or ():
            a, b = (was or {}).get(sub.name), (now or {}).get(sub.name)
            if _normal(a) != _normal(b) and not (_empty(a) and _empty(b)):
                label = f"{f.label}（第{n + 1}项）·{sub.label}"
                rows.append(FieldChange(f"{f.name}[{n}].{sub.name}", label, shown(sub, a), shown(sub, b)))
    return rows


def _empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, list | tuple) and not value)


def _normal(value: Any) -> Any:
    """Empty is empty whatever its shape; a list compares as a list (a tuple from the validator, a list stored)."""
    if _empty(value):
        return None
    if isinstance(value, list | tuple):
        return [_normal(v) for v in value]
    if isinstance(value, str):
        return value.strip()
    return value


def shown(f: Field, value: Any) -> str:
    """A value as the page shows it: a choice's label, a list's items joined with 、."""
    if _empty(value):
        return ""
    labels = dict(f.choices or ())
    if isinstance(value, list | tuple):
        return "、".join(labels.get(str(v), str(v)) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int) and f.unit:
        return f"{value}{f.unit}"
    return labels.get(str(value), str(value))
