"""What every enterprise use case does with the business registry: whether one is configured, where a record's
region is, and how a registry record fills and locks an enterprise's details (已核验)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from handlers.enterprises.ports import BusinessRegistry, RegistryNotConfigured, RegistryRecord
from handlers.errors import NotFound
from handlers.organisation import credit_code as cc
from handlers.reference.ports import RegionDirectory
from store.models.organisation_people import Enterprise, EnterpriseVerification
from store.transaction import Transaction

VERIFICATION_LABELS = {EnterpriseVerification.UNVERIFIED: "未核验", EnterpriseVerification.VERIFIED: "已核验"}


@dataclass(frozen=True)
class RegistryStatus:
    """What the enterprise page needs to know before it offers a lookup: manual entry is always there."""

    configured: bool
    provider: str | None
    manual_entry: bool
    message: str


def registry_status(registry: BusinessRegistry | None) -> RegistryStatus:
    if registry is None:
        return RegistryStatus(False, None, True, RegistryNotConfigured.message)
    return RegistryStatus(True, registry.provider, True, "可按企业全称查询工商信息，查询不到时可手工录入")


def require_registry(registry: BusinessRegistry | None) -> BusinessRegistry:
    if registry is None:
        raise RegistryNotConfigured()
    return registry


def record_region(record: RegistryRecord, regions: RegionDirectory) -> str:
    """The record's own region; failing that, the authority that issued its credit code (characters 3–8)."""
    for code in (record.region_code, cc.authority_region(record.credit_code)):
        if code and regions.exists(code):
            return code
    raise NotFound("该企业的注册地不在服务范围内", code="enterprise_region_unknown")


def registry_details(record: RegistryRecord, region: str) -> dict[str, Any]:
    return {
        "name": record.name,
        "region_code": region,
        "legal_representative": record.legal_representative,
        "registered_capital_fen": record.registered_capital_fen,
        "address": record.address,
        "established_on": record.established_on,
    }


def confirm(enterprise: Enterprise, details: dict[str, Any], provider: str, now: datetime) -> None:
    """The registry is the authority: its details replace what was entered, and hand edits end here."""
    for key, val in details.items():
        setattr(enterprise, key, val)
    enterprise.verification = EnterpriseVerification.VERIFIED
    enterprise.verified_by = provider
    enterprise.verified_at = now
    enterprise.updated_at = now


def audit_data(details: dict[str, Any]) -> dict[str, Any]:
    """The details as audit data: the legal representative (a person's name) goes to the personal side table."""
    data = {k: v for k, v in details.items() if k != "legal_representative"}
    if data.get("established_on") is not None:
        data["established_on"] = data["established_on"].isoformat()
    return data


def record_verified(
    uow: Transaction, enterprise_id: int, credit_code: str, provider: str, details: dict[str, Any], actor: str
) -> None:
    """The audit entry of a registry confirming an enterprise; the legal representative kept erasable."""
    uow.record(
        "enterprise",
        enterprise_id,
        "verified",
        actor=actor,
        data={"credit_code": credit_code, "provider": provider, **audit_data(details)},
        personal={
            "legal_representative": (
                f"enterprise:{enterprise_id}:legal_representative",
                str(details["legal_representative"]),
            )
        },
    )
