"""A project registration's own fields and their rules (seed 004 §四.5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from handlers.forms.check import validate
from handlers.forms.declaration import Context
from handlers.projects.form import AMOUNT_MAX_FEN, EARLIEST, PERSON_MAX, PROJECT

# The limits are the form's (handlers.projects.form); these names stay for the callers that had them.
NAME_MAX = PROJECT.field("name").max_length or 0
UNIT_MAX = PROJECT.field("undertaking_unit").max_length or 0
MEMBERS_MAX = PROJECT.field("members").max_items or 0
__all__ = ["AMOUNT_MAX_FEN", "EARLIEST", "MEMBERS_MAX", "NAME_MAX", "PERSON_MAX", "UNIT_MAX"]


@dataclass(frozen=True)
class ProjectFields:
    name: str
    category: str
    amount_fen: int
    signed_on: date
    leader: str
    members: tuple[str, ...]
    undertaking_unit: str
    entity_type: str
    cooperation_mode: str
    contract_file_id: int


def clean(fields: ProjectFields, today: date) -> ProjectFields:
    """The registration form's rules (handlers.projects.form), field by field in form order; `today` is the
    local date in the business timezone."""
    values = {name: getattr(fields, name) for name in ProjectFields.__dataclass_fields__}
    return ProjectFields(**validate(PROJECT, values, Context(today)))
