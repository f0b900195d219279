"""Demands and uploads for the project routes in the authorisation table: for each role allowed to write, a demand
in docking to register and a registered one to take a fee proof (each works once), and that role's own uploads."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select

from handlers.demands.submit_demand import SubmitDemand, submit_demand
from handlers.projects.fields import ProjectFields
from handlers.projects.register_project import RegisterProject, register_project
from handlers.projects.upload_project_file import UploadProjectFile, upload_project_file
from handlers.reviews.decide_review import DecideReview, Decision, decide_review
from sandbox.documents import make_pdf
from store.models.demands import Review
from store.models.projects import ProjectRegistration
from tests.api.demand_world import FIELDS
from tests.organisation.conftest import Org
from tests.policies import DEMANDS, SUBJECTS

WRITERS = ("institution_admin", "centre_admin", "staff")


def today(base: Org) -> date:
    return base.container.clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date()


def project_body(contract_file_id: int, signed_on: date) -> dict[str, object]:
    return {
        "name": "传感器封装联合开发",
        "category": "development",
        "amount_fen": 10_000_000,
        "signed_on": signed_on.isoformat(),
        "leader": "刘教授",
        "members": ["王工"],
        "undertaking_unit": "浙江大学",
        "entity_type": "university",
        "cooperation_mode": "joint",
        "contract_file_id": contract_file_id,
    }


async def upload(base: Org, account: int, text: str) -> int:
    cmd = UploadProjectFile(account, "合同.pdf", make_pdf(text))
    return (await upload_project_file(cmd, base.uow, base.container.files)).id


async def docking_demand(base: Org, admin: int, staff: int, enterprise: int) -> int:
    demand = (await submit_demand(SubmitDemand(staff, enterprise, FIELDS, False), base.uow, DEMANDS)).demand_id
    async with base.container.sessionmaker() as session:
        review = await session.scalar(select(Review.id).where(Review.subject_id == demand))
    assert review is not None
    async with base.uow as uow:
        await decide_review(DecideReview(review, 0, Decision.APPROVE, "", account_id=admin), uow, subjects=SUBJECTS)
        await uow.commit()
    return demand


async def registered_demand(base: Org, admin: int, staff: int, enterprise: int) -> int:
    demand = await docking_demand(base, admin, staff, enterprise)
    fields = ProjectFields(
        "传感器封装联合开发",
        "development",
        10_000_000,
        today(base),
        "刘教授",
        ("王工",),
        "浙江大学",
        "university",
        "joint",
        await upload(base, staff, f"contract-{demand}"),
    )
    await register_project(RegisterProject(staff, demand, fields), base.uow, DEMANDS)
    return demand


async def project_ids(base: Org, accounts: dict[str, int], enterprise: int) -> dict[str, int]:
    admin, staff = accounts["institution_admin"], accounts["staff"]
    registered = await registered_demand(base, admin, staff, enterprise)
    async with base.container.sessionmaker() as session:
        contract = await session.scalar(
            select(ProjectRegistration.contract_file_id).where(ProjectRegistration.demand_id == registered)
        )
    assert contract is not None
    ids = {"registered_demand_id": registered, "registered_contract_file_id": contract}
    for role in WRITERS:
        suffix = "" if role == "staff" else f":{role}"
        ids[f"project_demand_id{suffix}"] = await docking_demand(base, admin, staff, enterprise)
        ids[f"fee_demand_id{suffix}"] = await registered_demand(base, admin, staff, enterprise)
        ids[f"contract_file_id:{role}"] = await upload(base, accounts[role], f"contract-{role}")
        ids[f"proof_file_id:{role}"] = await upload(base, accounts[role], f"proof-{role}")
    return ids
