"""An expert's research fields (taxonomy codes) and region: what expert pushes are ranked and filtered by."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

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


def research_fields_named(items: Sequence[str]) -> list[str]:
    """Research fields as a spreadsheet gives them: each a taxonomy code or a field's name (names are unique)."""
    taxonomy = TechFields.load()
    codes = []
    for item in (i.strip() for i in items):
        code = item if taxonomy.exists(item) else _codes_by_name().get(item)
        if code is None:
            raise InvalidInput(f"未知的研究领域「{item[:20]}」，请填写技术领域名称或代码", code="invalid_tech_field")
        codes.append(code)
    return research_fields(codes)


def region_named(text: str) -> str | None:
    """A region as a spreadsheet gives it: a code, a full name, or a name only one current region has."""
    text = text.strip()
    if not text:
        return None
    regions = Regions.load()
    if regions.exists(text):
        return expert_region(text)
    found = regions.named(text)
    if len(found) == 1:
        return found[0].code
    if not found:
        raise InvalidInput(
            f"未找到地区「{text[:20]}」，请填写行政区划代码或完整名称，如：浙江省杭州市西湖区", code="invalid_region"
        )
    raise InvalidInput(
        f"有{len(found)}个地区名为「{text[:20]}」，请填写完整名称（如：浙江省杭州市西湖区）或行政区划代码",
        code="invalid_region",
    )


@cache
def _codes_by_name() -> dict[str, str]:
    """Built once: an import asks for it row by row."""
    return {f.name: f.code for f in TechFields.load()}
