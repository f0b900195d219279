"""The declaration: pure data (and the pure predicates of cross-field rules), no I/O."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from handlers.reference.ports import RegionDirectory

FieldType = Literal[
    "text",
    "textarea",
    "integer",
    "money",
    "percent",
    "date",
    "datetime",
    "choice",
    "multi_choice",
    "texts",
    "tech_fields",
    "region",
    "files",
    "file",
    "ids",
    "mobile",
    "email",
    "boolean",
    "group",
]
TEXT_TYPES = frozenset({"text", "textarea", "mobile", "email", "choice", "region"})
NUMBER_TYPES = frozenset({"integer", "money", "percent"})
# A single uploaded file: the body carries its id.
ID_TYPES = frozenset({*NUMBER_TYPES, "file"})
# `ids`: records picked by their ids (institutions to publish to).
LIST_TYPES = frozenset({"multi_choice", "texts", "tech_fields", "files", "ids", "group"})

# Every id is a positive BIGINT; an INTEGER column takes INT32.
ID_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1

# The default code and Chinese message of each check; a field may override any ({label} and the limits are
# filled in, so changing a limit changes the message).
DEFAULT_MESSAGES: Mapping[str, tuple[str, str]] = {
    "shape": ("invalid_field", "字段 {name} 的格式有误"),  # not the JSON type the field takes
    "required": ("missing_field", "请填写{label}"),
    "required_choice": ("missing_field", "请选择{label}"),
    "min_length": ("field_too_short", "{label}不能少于{min_length}个字"),
    "max_length": ("field_too_long", "{label}不能超过{max_length}个字"),
    "minimum": ("out_of_range", "{label}不能小于{minimum}"),
    "maximum": ("out_of_range", "{label}不能大于{maximum}"),
    "choice": ("invalid_choice", "请选择正确的{label}"),
    "min_items": ("too_few_items", "{label}至少{min_items}项"),
    "max_items": ("too_many_items", "{label}最多{max_items}项"),
    "format": ("invalid_field", "{label}格式有误"),
    "datetime_format": ("invalid_time", "字段 {name} 应为带时区的时间（ISO 8601）"),
    "datetime_zone": ("invalid_time", "请填写正确的{label}"),
    # Only where a field says `hidden_refused`: a value sent while the field is hidden.
    "hidden": ("field_not_allowed", "此时不能填写{label}"),
}


@dataclass(frozen=True)
class When:
    """The field (or its section) is shown, and then checked, only when `field`'s value is one of `among`."""

    field: str
    among: tuple[Any, ...]


@dataclass(frozen=True)
class FileRule:
    purpose: str
    accept: tuple[str, ...]
    max_bytes: int


@dataclass(frozen=True)
class Column:
    """How a field is a column of the bulk-import spreadsheet (header without the required mark)."""

    header: str
    width: int
    note: str
    list_item_max: int | None = None  # a list cell: the per-item length limit (items split by line or ；)
    # A group as `repeat` slots of columns, one per item (its fields' own columns, headed 「工作经历1开始时间」).
    repeat: int = 0


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    label: str
    help: str | None = None
    required: bool = False
    min_length: int | None = None
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    unit: str | None = None
    scale: int = 1
    min_items: int | None = None
    max_items: int | None = None
    choices: tuple[tuple[str, str], ...] | None = None  # (value, Chinese label)
    choices_source: str | None = None
    file: FileRule | None = None
    upload: tuple[str, str] | None = None  # (method, path) where each file goes first
    section: str | None = None
    when: When | None = None
    hidden_refused: bool = False  # a value sent while `when` hides the field is refused (check `hidden`), not dropped
    fields: tuple[Field, ...] | None = None  # a group's own fields
    nullable: bool = False  # null is a value of its own (an integer or date left out), not the default
    limit: int = ID_MAX  # integers: what the JSON may carry at all (±limit), before any rule
    messages: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    column: Column | None = None  # in the bulk-import spreadsheet
    # A rule of this one field that data cannot say (a date against today, each name's length): (value, context)
    # → the clean value, or InvalidInput. Run after the declared checks, on submission only, when not empty.
    rule: Callable[[Any, Context], Any] | None = None

    def error(self, check: str, **extra: Any) -> tuple[str, str]:
        """(code, Chinese message) of a failed check, the field's own wording first."""
        code, template = self.messages.get(check) or DEFAULT_MESSAGES[check]
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return code, template.format(**{**values, **extra})


@dataclass(frozen=True)
class Context:
    """What a rule may compare against besides the values: the business day, and the region directory the use
    case was given (the bundled GB/T 2260 data when None)."""

    today: date
    regions: RegionDirectory | None = None


@dataclass(frozen=True)
class Rule:
    """A cross-field rule: `holds(values, context)` is False when the form is wrong. A rule without `holds` is
    checked by the use case against stored data (a floor set per institution) and only listed for display."""

    code: str
    message: str
    fields: tuple[str, ...]
    holds: Callable[[Mapping[str, Any], Context], bool] | None = None


@dataclass(frozen=True)
class Sheet:
    """A form imported in bulk: its spreadsheet's data sheet name (the columns are its fields' `column`s)."""

    name: str


@dataclass(frozen=True)
class Form:
    name: str
    title: str
    submit: tuple[str, str]  # (method, path), the declared route the filled form goes to
    fields: tuple[Field, ...]
    rules: tuple[Rule, ...] = ()
    draft: bool = False  # whether a draft may be saved (validated fully only when submitted)
    sheet: Sheet | None = None
    # The house error names its field ("field": "title"); forms whose answers never did keep them as they were.
    field_in_error: bool = False
    # A form of changes (PATCH): only the fields sent are checked, one left out or null keeps its value; its fields
    # are nullable and it has no cross-field rule (the values it would compare may not be sent).
    partial: bool = False

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def replace(self, name: str, **changes: Any) -> Form:
        """The same form with one field changed (a rule edited in the declaration)."""
        fields = tuple(dataclasses.replace(f, **changes) if f.name == name else f for f in self.fields)
        return dataclasses.replace(self, fields=fields)
