"""What other use cases need from the reference data; Regions and TechFields satisfy these structurally."""

from __future__ import annotations

from typing import Protocol


class RegionDirectory(Protocol):
    def exists(self, code: str) -> bool:
        """True for every known GB/T 2260 code, abolished ones included."""
        ...

    def name_of(self, code: str) -> str:
        """The region's own name; raises InvalidInput for an unknown or malformed code."""
        ...

    def within(self, code: str, scope_code: str) -> bool:
        """Whether the scope covers the region (prefix rule, no implicit grant to parents); InvalidInput as above."""
        ...

    def is_abolished(self, code: str) -> bool:
        """Withdrawn codes still resolve for old records; new records must not use them. InvalidInput as above."""
        ...


class TechFieldTaxonomy(Protocol):
    def exists(self, code: str) -> bool: ...

    def name_of(self, code: str) -> str:
        """The field's own name; raises InvalidInput for an unknown or malformed code."""
        ...

    def matches(self, subscribed_code: str, field_code: str) -> bool:
        """Whether subscribing to one field covers another (its whole subtree); InvalidInput as above."""
        ...
