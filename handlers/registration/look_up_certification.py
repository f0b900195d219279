"""Prefill the certification form from the business registry: the unit's full name finds its credit code and
legal representative, which the applicant then checks and submits."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.enterprises.ports import BusinessRegistry, RegistryNotConfigured
from handlers.errors import InvalidInput, NotFound

NAME_MAX = 128


@dataclass(frozen=True)
class LookUpCertification:
    name: str


@dataclass(frozen=True)
class CertificationPrefill:
    name: str
    credit_code: str
    legal_representative: str
    provider: str


async def look_up_certification(cmd: LookUpCertification, registry: BusinessRegistry | None) -> CertificationPrefill:
    name = cmd.name.strip()
    if not name:
        raise InvalidInput("请填写单位名称", code="missing_field", field="name")
    if len(name) > NAME_MAX:
        raise InvalidInput(f"单位名称不能超过{NAME_MAX}个字", code="field_too_long", field="name")
    if registry is None:
        raise RegistryNotConfigured()
    record = await registry.lookup(name)  # RegistryUnavailable: the page says so; typing it in still works
    if record is None:
        raise NotFound("工商登记中未查到该单位名称，请核对全称，或直接填写", code="registry_record_not_found")
    return CertificationPrefill(
        record.name, record.credit_code.strip().upper(), record.legal_representative, registry.provider
    )
