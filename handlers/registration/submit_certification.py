"""An organisation account submits its unit certification (单位认证) to the platform: unit name, credit code,
legal representative and licence scan (seed 000 一.3).

The business registry, when configured, is asked by the unit's name outside any transaction: a record under
another credit code is refused (the applicant checks which is right); a different legal representative or no
record at all is told to the reviewer on the card. The platform (a system admin) reviews within the chain's
working days.

Once certified, the credit code is fixed: a later submission naming another code is refused, and one changing
the name or the legal representative is a re-certification — the certified identity stays until the platform
approves the new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select

from handlers.enterprises.ports import BusinessRegistry, RegistryUnavailable
from handlers.errors import Conflict, Forbidden, NotFound
from handlers.forms.check import validate
from handlers.forms.declaration import Context
from handlers.organisation import credit_code as cc
from handlers.reference.ports import RegionDirectory
from handlers.registration.certification import REGISTRY_LABELS, CertificationView, certification_of, view_of
from handlers.registration.chains import CERTIFICATION_CHAIN, CERTIFICATION_SUBJECT
from handlers.registration.form import CERTIFICATION, LICENCE_PURPOSE
from handlers.registration.policy import RegistrationPolicy
from handlers.registration.review_hooks import CODE_CERTIFIED_ELSEWHERE
from handlers.reviews.chains import CHAINS
from handlers.reviews.start_review import ReviewSubject, start_review
from handlers.transactions import transact
from store.models.files import StoredFile
from store.models.organisation import CLOSED_STATUSES, Account
from store.models.registration import CertificationStatus, UnitCertification
from store.transaction import Transaction
from store.uow import UnitOfWork

CODE_LOCKED = "单位认证通过后统一社会信用代码不能修改"


@dataclass(frozen=True)
class SubmitCertification:
    actor_id: int
    name: str
    credit_code: str
    legal_representative: str
    licence_file_id: int | None


@dataclass(frozen=True)
class RegistryCheck:
    outcome: str  # confirmed / differs / not_found / unchecked
    provider: str | None


async def submit_certification(
    cmd: SubmitCertification,
    uow: UnitOfWork,
    policy: RegistrationPolicy,
    registry: BusinessRegistry | None,
    regions: RegionDirectory,
) -> CertificationView:
    today = uow.clock.now().astimezone(ZoneInfo(policy.timezone)).date()
    values = validate(
        CERTIFICATION,
        {
            "name": cmd.name,
            "credit_code": cmd.credit_code,
            "legal_representative": cmd.legal_representative,
            "licence_file_id": cmd.licence_file_id,
        },
        Context(today, regions),
    )
    name, code, legal = str(values["name"]), str(values["credit_code"]), str(values["legal_representative"])
    # What the record itself refuses comes first (a fixed code is "locked", not a registry mismatch); the
    # transaction checks it again under the lock.
    async with uow:
        earlier = await certification_of(uow, cmd.actor_id)
        if earlier is not None:
            _refuse_resubmission(earlier, name, code, legal)
    check = await _ask_registry(registry, name, code, legal)
    return await transact(uow, lambda tx: _submit(tx, cmd.actor_id, values, check, policy))


async def _ask_registry(registry: BusinessRegistry | None, name: str, code: str, legal: str) -> RegistryCheck:
    if registry is None:
        return RegistryCheck("unchecked", None)
    try:
        record = await registry.lookup(name)
    except RegistryUnavailable:
        # The platform's reviewer checks by hand; an outage does not stop a submission.
        return RegistryCheck("unchecked", registry.provider)
    if record is None:
        return RegistryCheck("not_found", registry.provider)
    if cc.normalise(record.credit_code) != code:
        raise Conflict(
            f"工商登记中「{record.name}」的统一社会信用代码为{record.credit_code}，与填写的不一致，请核对",
            code="credit_code_mismatch",
            field="credit_code",
        )
    same = record.name == name and record.legal_representative.strip() == legal
    return RegistryCheck("confirmed" if same else "differs", registry.provider)


async def _submit(
    tx: Transaction, actor_id: int, values: dict[str, object], check: RegistryCheck, policy: RegistrationPolicy
) -> CertificationView:
    name, code, legal = str(values["name"]), str(values["credit_code"]), str(values["legal_representative"])
    licence = int(str(values["licence_file_id"]))
    # The account row lock orders this account's submissions (and their audit entries).
    account = await tx.session.scalar(select(Account).where(Account.id == actor_id).with_for_update())
    if account is None or account.status in CLOSED_STATUSES:
        raise Forbidden("账号已停用，不能提交单位认证")
    cert = await certification_of(tx, actor_id, lock=True)
    if cert is not None:
        _refuse_resubmission(cert, name, code, legal)
    taken = await tx.session.scalar(
        select(UnitCertification.id).where(
            UnitCertification.certified_code == code, UnitCertification.account_id != actor_id
        )
    )
    if taken is not None:
        raise Conflict(CODE_CERTIFIED_ELSEWHERE, code="credit_code_certified", field="credit_code")
    await _check_licence(tx, licence, f"account:{actor_id}", kept=cert.licence_file_id if cert else None)
    now = tx.clock.now()
    if cert is None:
        cert = UnitCertification(account_id=actor_id, created_at=now, certified_at=None)
        tx.session.add(cert)
    cert.name, cert.credit_code, cert.legal_representative, cert.licence_file_id = name, code, legal, licence
    cert.region_code = cc.authority_region(code)
    cert.registry_check, cert.registry_provider = check.outcome, check.provider
    cert.status, cert.reason = CertificationStatus.PENDING, None
    cert.submitted_at = cert.updated_at = now
    await tx.session.flush()
    again = cert.certified_at is not None
    tx.record(
        "unit_certification",
        cert.id,
        "recertification_submitted" if again else "submitted",
        actor=f"account:{actor_id}",
        data={"credit_code": code, "registry_check": check.outcome},
    )
    link = f"{policy.certification_page}{cert.id}" if policy.certification_page else ""
    summary = f"统一社会信用代码：{code}\n法定代表人：{legal}\n工商核验：{REGISTRY_LABELS[check.outcome]}"
    if again:
        summary = f"重新认证（原：{cert.certified_name}，{cert.certified_legal_representative}）\n{summary}"
    review = await start_review(
        tx,
        CHAINS[CERTIFICATION_CHAIN],
        ReviewSubject(
            CERTIFICATION_SUBJECT,
            cert.id,
            name,
            summary,
            link,
            None,
            cert.region_code if cert.region_code.isdigit() else "000000",
            actor_id,
        ),
    )
    return view_of(cert, review)


def _refuse_resubmission(cert: UnitCertification, name: str, code: str, legal: str) -> None:
    if cert.status == CertificationStatus.PENDING:
        raise Conflict("单位认证正在审核中，请等待平台审核结果", code="certification_pending")
    if cert.certified_at is None:
        return  # rejected or returned before any certification: everything may be corrected
    if code != cert.certified_code:
        raise Conflict(CODE_LOCKED, code="credit_code_locked", field="credit_code")
    if (name, legal) == (cert.certified_name, cert.certified_legal_representative):
        raise Conflict("单位认证信息未变更，无需重新认证", code="certification_unchanged")


async def _check_licence(tx: Transaction, file_id: int, uploader: str, *, kept: int | None) -> None:
    """The licence is a file stored for this purpose by the applicant, or the one already on the record; another
    person's upload is not found, so ids cannot be borrowed."""
    if file_id == kept:
        return
    found = await tx.session.scalar(
        select(StoredFile.id).where(
            StoredFile.id == file_id, StoredFile.purpose == LICENCE_PURPOSE, StoredFile.uploaded_by == uploader
        )
    )
    if found is None:
        raise NotFound("未找到营业执照文件，请重新上传", code="licence_not_found", field="licence_file_id")
