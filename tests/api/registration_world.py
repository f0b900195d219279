"""Registration records for the authorisation table: each role's own licence upload (a certification names only
the caller's), and one certification of a self-registered organisation account (no role of the table)."""

from __future__ import annotations

from handlers.registration.save_institution_registration import (
    SaveInstitutionRegistration,
    save_institution_registration,
)
from handlers.registration.submit_certification import SubmitCertification, submit_certification
from handlers.registration.upload_licence import UploadLicence, upload_licence
from sandbox.documents import make_pdf
from store.models.organisation import Account, AccountStatus
from store.models.registration import CertificationStatus, UnitCertification
from tests.organisation.conftest import Org
from tests.policies import REGISTRATION


async def licence(base: Org, account_id: int, label: str) -> int:
    cmd = UploadLicence(account_id, "营业执照.pdf", make_pdf(f"licence-{label}"))
    return (await upload_licence(cmd, base.uow, base.container.files)).id


async def registration_ids(base: Org, accounts: dict[str, int], credit_code: str) -> dict[str, int]:
    ids = {f"licence_file_id:{role}": await licence(base, account, role) for role, account in accounts.items()}
    async with base.uow as uow:
        now = uow.clock.now()
        owner = Account(
            name="孙主任", mobile="13722220099", status=AccountStatus.ACTIVE, created_at=now, updated_at=now
        )
        uow.session.add(owner)
        await uow.commit()
    cmd = SubmitCertification(
        owner.id, "某某技术转移服务有限公司", credit_code, "孙主任", await licence(base, owner.id, "owner")
    )
    view = await submit_certification(cmd, base.uow, REGISTRATION, None, base.regions)
    ids["certification_id"] = view.id
    ids["registration_id"] = await _registration_draft(base, owner.id, view.id)
    return ids


async def _registration_draft(base: Org, owner_id: int, certification_id: int) -> int:
    """The owner's unit certified (as the platform's approval leaves it) and its institution registration saved."""
    async with base.uow as uow:
        cert = await uow.session.get(UnitCertification, certification_id)
        assert cert is not None
        cert.status, cert.certified_at = CertificationStatus.CERTIFIED, uow.clock.now()
        cert.certified_code, cert.certified_name = cert.credit_code, cert.name
        cert.certified_legal_representative = cert.legal_representative
        await uow.commit()
    cmd = SaveInstitutionRegistration(owner_id, {"nature": "legal_person", "introduction": "草稿"}, draft=True)
    return (await save_institution_registration(cmd, base.uow, REGISTRATION, base.regions)).id
