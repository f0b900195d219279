"""Administrative divisions (GB/T 2260): lookup, names, the region-prefix scoping rule and a picker search.

Pure: the packaged data is read once per process (data/README.md says where it comes from). Abolished codes
stay resolvable so old records keep their names; pickers and search leave them out.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from importlib.resources import files

from handlers.errors import InvalidInput, NotFound

_CODE = re.compile(r"[0-9]{6}")

# City-level GB/T 2260 groupings that are not places: left out of full names ("北京市东城区", not "北京市市辖区东城区").
PLACEHOLDER_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


class InvalidRegionCode(InvalidInput):
    message = "行政区划代码无效"


class RegionNotFound(NotFound):
    message = "未找到该行政区划"


class RegionLevel(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    DISTRICT = "district"


# How many leading digits a scope at this level fixes (DESIGN "Scope": province 2, city 4, district 6).
_PREFIX_LENGTH = {RegionLevel.PROVINCE: 2, RegionLevel.CITY: 4, RegionLevel.DISTRICT: 6}


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    level: RegionLevel
    parent: str | None
    abolished: int | None = None  # the year the code was withdrawn
    successors: tuple[str, ...] = ()  # the first one takes the old code's history (撤县设区: the new district)
    effective: date | None = None  # the day the change took effect, where a source gives it

    @property
    def is_placeholder(self) -> bool:
        return self.name in PLACEHOLDER_NAMES


class Regions:
    def __init__(self, regions: Iterable[Region]) -> None:
        self._by_code = {region.code: region for region in regions}
        children: dict[str | None, list[Region]] = {}
        for region in sorted(self._by_code.values(), key=lambda r: r.code):
            if region.parent is not None and region.parent not in self._by_code:
                raise ValueError(f"region {region.code} has an unknown parent {region.parent}")
            children.setdefault(region.parent, []).append(region)
        self._children = {parent: tuple(kids) for parent, kids in children.items()}
        self._full_names = {code: self._compose_full_name(code) for code in self._by_code}
        self._successor = {r.code: self._follow(r.code) for r in self._by_code.values() if r.abolished is not None}
        self._by_name: dict[str, list[Region]] = {}
        for region in self._by_code.values():
            if region.abolished is None and not region.is_placeholder:
                for name in {region.name, self._full_names[region.code]}:
                    self._by_name.setdefault(name, []).append(region)

    @classmethod
    def load(cls) -> Regions:
        """The packaged directory, read once per process."""
        return _packaged()

    def __len__(self) -> int:
        return len(self._by_code)

    def __iter__(self) -> Iterator[Region]:
        return iter(self._by_code.values())

    def find(self, code: object) -> Region | None:
        """The region, or None for unknown or malformed codes (no error: for callers that answer 404)."""
        if not isinstance(code, str) or _CODE.fullmatch(code) is None:
            return None
        return self._by_code.get(code)

    def get(self, code: str) -> Region:
        region = self.find(code)
        if region is None:
            raise InvalidRegionCode()
        return region

    def exists(self, code: str) -> bool:
        """True for abolished codes too: old records must still resolve. Check is_abolished() for new input."""
        return self.find(code) is not None

    def name_of(self, code: str) -> str:
        return self.get(code).name

    def full_name(self, code: str) -> str:
        self.get(code)
        return self._full_names[code]

    def level(self, code: str) -> RegionLevel:
        return self.get(code).level

    def parent(self, code: str) -> Region | None:
        parent = self.get(code).parent
        return None if parent is None else self._by_code[parent]

    def ancestors(self, code: str) -> tuple[Region, ...]:
        """From the province down to the region itself."""
        chain = [self.get(code)]
        while chain[-1].parent is not None:
            chain.append(self._by_code[chain[-1].parent])
        return tuple(reversed(chain))

    def children(self, code: str | None = None, *, include_abolished: bool = False) -> tuple[Region, ...]:
        """The regions one level down; the provincial-level units when code is None."""
        if code is not None:
            self.get(code)
        kids = self._children.get(code, ())
        return kids if include_abolished else tuple(r for r in kids if r.abolished is None)

    def is_abolished(self, code: str) -> bool:
        return self.get(code).abolished is not None

    def successor(self, code: str) -> str:
        """The current code a record under this code is attributed to: itself, or for a withdrawn code the end of
        its chain of first successors (莱城区 371202 → 济南市莱芜区 370116). Unknown codes are returned unchanged."""
        return self._successor.get(code, code)

    def retired(self) -> dict[str, str]:
        """Every withdrawn code and the current code its history is attributed to."""
        return dict(self._successor)

    def _follow(self, code: str) -> str:
        seen = [code]
        while (region := self._by_code.get(seen[-1])) is not None and region.abolished is not None:
            if not region.successors:
                raise ValueError(f"withdrawn region {region.code} names no successor")
            if region.successors[0] in seen:
                raise ValueError(f"region successors form a cycle: {seen}")
            seen.append(region.successors[0])
        if seen[-1] not in self._by_code:
            raise ValueError(f"region {code}: unknown successor {seen[-1]}")
        return seen[-1]

    def scope_prefix(self, scope_code: str) -> str:
        """The code prefix a scope covers (2, 4 or 6 digits), for list queries that filter with LIKE 'prefix%'."""
        scope = self.get(scope_code)
        return scope.code[: _PREFIX_LENGTH[scope.level]]

    def within(self, code: str, scope_code: str) -> bool:
        """Whether a scope covers the region: a scope covers itself and everything below it, never its parents. A
        withdrawn code lies where its successor lies."""
        return self.successor(self.get(code).code).startswith(self.scope_prefix(scope_code))

    def named(self, text: str) -> tuple[Region, ...]:
        """Current regions called exactly this, by name (西湖区: two of them) or full name (浙江省杭州市西湖区: one)."""
        return tuple(self._by_name.get(text.strip(), ()))

    def search(self, text: str, *, limit: int = 20) -> list[Region]:
        """Current regions whose name (or full name) contains the text, best matches first, for pickers."""
        needle = text.strip()
        if not needle:
            return []
        ranked: list[tuple[int, int, str, Region]] = []
        for region in self._by_code.values():
            if region.abolished is not None or region.is_placeholder:
                continue
            if region.name == needle:
                rank = 0
            elif region.name.startswith(needle):
                rank = 1
            elif needle in region.name:
                rank = 2
            elif needle in self._full_names[region.code]:
                rank = 3
            else:
                continue
            ranked.append((rank, _PREFIX_LENGTH[region.level], region.code, region))
        ranked.sort(key=lambda item: item[:3])
        return [item[3] for item in ranked[:limit]]

    def _compose_full_name(self, code: str) -> str:
        region = self._by_code[code]
        names = [region.name]
        parent = region.parent
        while parent is not None:
            ancestor = self._by_code[parent]
            if not ancestor.is_placeholder:
                names.append(ancestor.name)
            parent = ancestor.parent
        return "".join(reversed(names))


def _read_data(name: str) -> str:
    return (files("handlers.reference") / "data" / name).read_text(encoding="utf-8")


@cache
def _packaged() -> Regions:
    regions: dict[str, Region] = {}
    for row in csv.DictReader(io.StringIO(_read_data("regions.csv"))):
        regions[row["code"]] = Region(
            code=row["code"], name=row["name"], level=RegionLevel(row["level"]), parent=row["parent"] or None
        )
    # The hand-maintained list of withdrawn codes: marks the ones the package still carries, adds the others.
    for entry in json.loads(_read_data("regions_abolished.json")):
        known = regions.get(entry["code"])
        if known is not None and known.name != entry["name"]:
            raise ValueError(f"regions_abolished.json names {entry['code']} {entry['name']}, the data {known.name}")
        regions[entry["code"]] = Region(
            code=entry["code"],
            name=entry["name"],
            level=RegionLevel(entry.get("level", RegionLevel.DISTRICT)),
            parent=entry["parent"],
            abolished=int(entry["abolished"]),
            successors=tuple(entry["successors"]),
            effective=date.fromisoformat(entry["effective"]) if entry.get("effective") else None,
        )
    return Regions(regions.values())
