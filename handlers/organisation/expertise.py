"""An expert's research fields (taxonomy codes) and region: what expert pushes are ranked and filtered by."""

from __future__ import annotations

from collections.abc import Sequence

from handlers.errors import InvalidInput
from handlers.organisation import validation as v
from handlers.reference.regions import Regions
from handlers.reference.tech_fields import TechFields

RESEARCH_FIELDS_MAX = 10


def research_fields(codes: Sequence[str]) -> list[str]:
    """Known codes, each once, in the order given."""
    clean = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    if len(clean) > RESEARCH_FIELDS_MAX:
        raise InvalidInput(f"研究领域最多选择{RESEARCH_FIELDS_MAX}个", code="too_many_research_fields")
    taxonomy = TechFields.load()
    for code in clean:
        if not taxonomy.exists(code):
            raise InvalidInput(f"研究领域代码无效：{code[:16]}", code="invalid_tech_field")
    return clean


def expert_region(code: str | None) -> str | None:
    if code is None or not code.strip():
        return None
    return v.region_code(code, Regions.load())
