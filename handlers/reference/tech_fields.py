"""The technical-field taxonomy (国家重点支持的高新技术领域, 2016): lookup, paths, subtree matching, picker tree.

Codes take two digits per level (01 › 0101 › 010101), so a subtree is a code prefix. Pure: the packaged
tech_fields.json is read once per process (data/README.md says where it comes from).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import TypedDict

from handlers.errors import InvalidInput, NotFound

_CODE = re.compile(r"[0-9]{2}(?:[0-9]{2}){0,2}")
PATH_SEPARATOR = " › "


class InvalidTechFieldCode(InvalidInput):
    message = "技术领域代码无效"


class TechFieldNotFound(NotFound):
    message = "未找到该技术领域"


@dataclass(frozen=True, slots=True)
class TechField:
    code: str
    name: str
    level: int  # 1 domain, 2 field, 3 item
    parent: str | None


class TechFieldTree(TypedDict):
    code: str
    name: str
    children: list[TechFieldTree]


class TechFields:
    def __init__(self, fields: list[TechField]) -> None:
        self._by_code = {field.code: field for field in fields}
        children: dict[str | None, list[TechField]] = {}
        for field in sorted(fields, key=lambda f: f.code):
            # lineage() and matches() rely on a parent being its child's code minus the last two digits.
            if field.parent != (field.code[:-2] or None) or (field.parent and field.parent not in self._by_code):
                raise ValueError(f"technical field {field.code} has a bad parent {field.parent}")
            children.setdefault(field.parent, []).append(field)
        self._children = {parent: tuple(kids) for parent, kids in children.items()}

    @classmethod
    def load(cls) -> TechFields:
        """The packaged taxonomy, read once per process."""
        return _packaged()

    def __len__(self) -> int:
        return len(self._by_code)

    def __iter__(self) -> Iterator[TechField]:
        return iter(self._by_code.values())

    def find(self, code: object) -> TechField | None:
        """The field, or None for unknown or malformed codes (no error: for callers that answer 404)."""
        if not isinstance(code, str) or _CODE.fullmatch(code) is None:
            return None
        return self._by_code.get(code)

    def get(self, code: str) -> TechField:
        field = self.find(code)
        if field is None:
            raise InvalidTechFieldCode()
        return field

    def exists(self, code: str) -> bool:
        return self.find(code) is not None

    def name_of(self, code: str) -> str:
        return self.get(code).name

    def lineage(self, code: str) -> tuple[TechField, ...]:
        """From the domain down to the field itself."""
        field = self.get(code)
        return tuple(self._by_code[field.code[:end]] for end in range(2, len(field.code) + 1, 2))

    def path(self, code: str) -> str:
        """E.g. 电子信息 › 软件 › 基础软件."""
        return PATH_SEPARATOR.join(field.name for field in self.lineage(code))

    def roots(self) -> tuple[TechField, ...]:
        return self._children.get(None, ())

    def children(self, code: str | None = None) -> tuple[TechField, ...]:
        """The fields one level down; the eight domains when code is None."""
        if code is None:
            return self.roots()
        return self._children.get(self.get(code).code, ())

    def descendants(self, code: str) -> tuple[TechField, ...]:
        """Every field below this one (not itself), in code order."""
        found: list[TechField] = []
        for child in self.children(code):
            found.append(child)
            found.extend(self.descendants(child.code))
        return tuple(found)

    def matches(self, subscribed_code: str, field_code: str) -> bool:
        """Whether a subscription to one field covers another: a field covers itself and its whole subtree."""
        return self.get(field_code).code.startswith(self.get(subscribed_code).code)

    def tree(self, code: str | None = None) -> list[TechFieldTree]:
        """Nested nodes under code (the whole taxonomy when None), for cascading pickers."""
        return [{"code": f.code, "name": f.name, "children": self.tree(f.code)} for f in self.children(code)]


@cache
def _packaged() -> TechFields:
    rows = json.loads((files("handlers.reference") / "data" / "tech_fields.json").read_text(encoding="utf-8"))
    return TechFields([TechField(row["code"], row["name"], int(row["level"]), row["parent"]) for row in rows])
