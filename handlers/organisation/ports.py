"""Ports the organisation use cases need: the region directory (GB/T 2260) and the business registry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol


class RegionDirectory(Protocol):
    def exists(self, code: str) -> bool:
        """Whether the 6-digit code is a current region."""
        ...

    def name_of(self, code: str) -> str | None: ...

    def within(self, code: str, scope: str) -> bool:
        """Whether `code` is `scope` itself or lies beneath it."""
        ...


@dataclass(frozen=True)
class RegistryRecord:
    """What the business registry (工商登记) says about one enterprise."""

    name: str
    credit_code: str
    legal_representative: str
    registered_capital_fen: int
    address: str
    region_code: str
    established_on: date


class BusinessRegistry(Protocol):
    async def lookup(self, full_name: str) -> RegistryRecord | None:
        """The record registered under exactly this full name, or None."""
        ...
