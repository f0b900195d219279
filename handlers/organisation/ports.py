"""Ports the organisation use cases need: the business registry (the region directory is in handlers.reference)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol


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
