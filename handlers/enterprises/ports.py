"""Ports the enterprise use cases need: the business registry (the region directory is in handlers.reference)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from handlers.errors import Unavailable

MANUAL_ENTRY_HINT = "手工录入企业信息"


@dataclass(frozen=True)
class RegistryRecord:
    """What the business registry (工商登记) says about one enterprise.

    Capital and date of establishment are None where the registry gives none (or one we cannot read, such as a
    capital in a foreign currency); region_code is the enterprise's GB/T 2260 region as far as the registry
    tells it (a provider without region codes gives the issuing authority's, characters 3–8 of the credit code).
    """

    name: str
    credit_code: str
    legal_representative: str
    registered_capital_fen: int | None
    address: str
    region_code: str
    established_on: date | None


class RegistryUnavailable(Unavailable):
    """The registry cannot answer now (down, our quota spent, our credentials refused); manual entry still works."""

    code = "registry_unavailable"
    message = f"工商信息查询服务暂不可用，请稍后再试，或{MANUAL_ENTRY_HINT}"


class RegistryNotConfigured(RegistryUnavailable):
    message = "未配置工商信息查询服务，请手工录入企业信息"


class BusinessRegistry(Protocol):
    # Which registry answers (e.g. "qichacha", "sandbox"): shown to the pages and kept with a verification.
    @property
    def provider(self) -> str: ...

    async def lookup(self, full_name: str) -> RegistryRecord | None:
        """The record the registry finds under this full name, or None when it has none. (A former name may
        find the enterprise under its current name: the record's name is the one to keep.)

        Raises RegistryUnavailable when it cannot say (never a provider's own error).
        """
        ...
