"""REST page fixtures: a small organisation built through the use cases, one signed-in token per role,
and an HTTP client on the whole web app."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from openpyxl import Workbook
from sqlalchemy import select

from bot.bootstrap import Container
from bot.web import create_web_app
from handlers.auth.sessions import issue_session
from handlers.enterprises.add_enterprise import AddEnterprise, add_enterprise
from handlers.enterprises.add_enterprise_contact import AddEnterpriseContact, add_enterprise_contact
from handlers.enterprises.enter_enterprise import EnterEnterprise, enter_enterprise
from handlers.experts.add_expert import AddExpert, add_expert
from handlers.experts.add_expert_follow_up import AddExpertFollowUp, add_expert_follow_up
from handlers.experts.expert_import.columns import COLUMNS, SHEET_NAME
from handlers.experts.expert_import.import_experts import ImportExperts
from handlers.experts.expert_import.upload_experts import upload_experts
from handlers.institutions.create_centre import CreateCentre, create_centre
from handlers.invitations.create_invitation_code import CreateInvitationCode, create_invitation_code
from handlers.invitations.redeem_invitation_code import RedeemInvitationCode, redeem_invitation_code
from handlers.officials.create_official import CreateOfficial, create_official
from handlers.organisation.validation import credit_code_check_char
from handlers.staff.add_staff import AddStaff, add_staff
from sandbox.registry import SandboxBusinessRegistry
from store.models.auth import SessionKind
from store.models.membership import MembershipInvitation
from store.models.organisation import Account, AccountRole, AccountStatus, Role
from tests.api.demand_world import demand_ids, docking_ids, publication_ids
from tests.api.expert_push_world import reachable_expert
from tests.api.expert_world import expert_ids
from tests.api.manager_world import manager_ids
from tests.api.project_world import project_ids
from tests.api.registration_world import registration_ids
from tests.expert_digest.world import digest_ids
from tests.expert_push.support import POLICY as PUSH_POLICY
from tests.organisation.conftest import Org, org, regions, registry  # noqa: F401  (fixtures)
from tests.policies import MEMBERSHIP

ROLES = (
    "anonymous",
    "pending",
    "system_admin",
    "institution_admin",
    "centre_admin",
    "staff",
    "official",
    "expert",
    "enterprise_contact",
    "technology_manager",
)
HEADERS = [c.title for c in COLUMNS]


def credit_code(seed: int) -> str:
    """A well-formed 统一社会信用代码 for test institution number `seed`."""
    first17 = f"91330106MA{seed:07d}"
    return first17 + credit_code_check_char(first17)


def xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_NAME)
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


@pytest.fixture
async def api(container: Container) -> AsyncIterator[TestClient[Any, Any]]:
    # The pages as deployed with the sandbox's business registry and an official account to push experts through
    # (the test settings configure neither); the same engine, clock and channels as `container`.
    served = replace(container, registry=SandboxBusinessRegistry(), expert_push_policy=PUSH_POLICY)
    async with TestClient(TestServer(create_web_app(served))) as client:
        yield client


@dataclass
class Institution:
    """One institution with a centre, a staff member, a centre admin, an expert, an enterprise and a code."""

    id: int
    admin: int
    centre: int
    staff_account: int
    staff_member: int
    centre_admin_account: int
    centre_admin_member: int
    expert: int
    expert_account: int
    link: int
    enterprise: int
    region: str


@dataclass
class World:
    org: Org
    ids: dict[str, Any] = field(default_factory=dict)  # path parameters for the table's routes
    accounts: dict[str, int] = field(default_factory=dict)  # role -> account id

    async def token(self, account_id: int | None, kind: SessionKind = SessionKind.MICRO_APP) -> str:
        uow = self.org.uow
        async with uow:
            issued = await issue_session(
                uow, self.org.container.auth_policy, account_id, kind, openid=None if account_id else "o-pending"
            )
            await uow.commit()
        return issued.token

    async def account(self, name: str, mobile: str, role: Role | None = None, scope_key: str = "") -> int:
        uow = self.org.uow
        async with uow:
            now = uow.clock.now()
            account = Account(name=name, mobile=mobile, status=AccountStatus.ACTIVE, created_at=now, updated_at=now)
            uow.session.add(account)
            await uow.session.flush()
            if role is not None:
                uow.session.add(AccountRole(account_id=account.id, role=role, scope_key=scope_key, created_at=now))
            await uow.commit()
        return account.id


async def build_institution(base: Org, n: int, *, region: str, enterprise_name: str, phone_prefix: str) -> Institution:
    """Institution number n; mobiles are phone_prefix + 4 digits so two institutions never clash."""
    inst, admin = await base.institution(
        f"测试技术转移中心{n}", credit_code(n), mobile=f"{phone_prefix}0001", region=region
    )
    uow = base.uow
    centre = (await create_centre(CreateCentre(admin, inst, f"分中心{n}", region), uow, base.regions)).centre_id
    staff = await add_staff(
        AddStaff(admin, centre, f"技转{n}", f"{phone_prefix}0002", "技术经理"), uow, membership=MEMBERSHIP
    )
    cadmin = await add_staff(
        AddStaff(admin, centre, f"主任{n}", f"{phone_prefix}0003", "主任", True), uow, membership=MEMBERSHIP
    )
    expert = await add_expert(AddExpert(admin, inst, f"专家{n}", f"{phone_prefix}0004", "教授", "浙江大学"), uow)
    now = base.container.clock.now()
    await add_expert_follow_up(
        AddExpertFollowUp(staff.account_id, expert.link_id, "visit", now - timedelta(days=1), f"机构{n}的拜访记录"), uow
    )
    enterprise = await add_enterprise(AddEnterprise(admin, inst, enterprise_name), uow, base.registry, base.regions)
    await add_enterprise_contact(
        AddEnterpriseContact(admin, enterprise.enterprise_id, f"联系人{n}", "总经理", f"{phone_prefix}0005"), uow
    )
    return Institution(
        inst,
        admin,
        centre,
        staff.account_id,
        staff.staff_member_id,
        cadmin.account_id,
        cadmin.staff_member_id,
        expert.expert_id,
        expert.account_id,
        expert.link_id,
        enterprise.enterprise_id,
        region,
    )


async def manual_enterprise(base: Org, admin: int, institution: int) -> int:
    """An enterprise X entered by hand (未核验), which X's members may still correct."""
    entered = await enter_enterprise(
        EnterEnterprise(
            admin,
            institution,
            "杭州手工录入科技有限公司",
            credit_code(900),
            "330106",
            "浙江省杭州市西湖区文一西路1号",
            "王手工",
        ),
        base.uow,
        base.regions,
    )
    return entered.enterprise_id


async def build_world(base: Org) -> tuple[World, Institution, dict[str, str | None]]:
    """Institution X in 西湖区 with one actor per role, and each role's token (None for anonymous)."""
    world = World(base)
    x = await build_institution(
        base, 1, region="330106", enterprise_name="杭州云栖智能传感科技有限公司", phone_prefix="1371111"
    )
    official = await create_official(
        CreateOfficial(base.admin_id, "赵局长", "13722220001", "330106"), base.uow, base.regions, membership=MEMBERSHIP
    )
    uow = base.uow
    expires = base.container.clock.now() + timedelta(days=30)
    code = await create_invitation_code(CreateInvitationCode(x.admin, x.id, expires, 50), uow)
    spare = await create_invitation_code(CreateInvitationCode(x.admin, x.id, expires, 5), uow)
    manager = await world.account("钱经理", "13722220002")
    await redeem_invitation_code(RedeemInvitationCode(manager, code.code), uow)
    contact = await world.account("刘经理", "13722220003", Role.ENTERPRISE_CONTACT, f"enterprise:{x.enterprise}")
    report = await upload_experts(
        ImportExperts(x.id, x.admin, xlsx([["坏行", "010-12345678"]]), "专家.xlsx"), uow, base.container.files
    )
    world.accounts = {
        "system_admin": base.admin_id,
        "institution_admin": x.admin,
        "centre_admin": x.centre_admin_account,
        "staff": x.staff_account,
        "official": official.account_id,
        "expert": x.expert_account,
        "enterprise_contact": contact,
        "technology_manager": manager,
    }
    # More staff of X's centre: two to leave (one per admin allowed to record it), one whose password and
    # number the admins set; their DingTalk invitations are the ones revoked (one per admin) and resent.
    leaver = await add_staff(
        AddStaff(x.admin, x.centre, "离职者", "13722220004", "技术经理"), uow, membership=MEMBERSHIP
    )
    leaver_2 = await add_staff(
        AddStaff(x.admin, x.centre, "离职者二", "13722220006", "技术经理"), uow, membership=MEMBERSHIP
    )
    spare_staff = await add_staff(
        AddStaff(x.admin, x.centre, "备用者", "13722220005", "技术经理"), uow, membership=MEMBERSHIP
    )
    async with base.container.sessionmaker() as session:
        invitations = dict(
            (
                await session.execute(
                    select(MembershipInvitation.account_id, MembershipInvitation.id).where(
                        MembershipInvitation.institution_id == x.id
                    )
                )
            ).all()
        )
    world.ids = {
        "institution_id": x.id,
        "centre_id": x.centre,
        "staff_member_id": x.staff_member,
        "expert_id": x.expert,
        "link_id": x.link,
        "enterprise_id": x.enterprise,
        "invitation_code_id": spare.invitation_code_id,
        "import_id": report.import_id,
        "code": "330106",
        "redeem_code": code.code,
        "account_id": spare_staff.account_id,
        "leaver_staff_member_id:institution_admin": leaver.staff_member_id,
        "leaver_staff_member_id:centre_admin": leaver_2.staff_member_id,
        "leaver_staff_member_id": leaver.staff_member_id,
        "invitation_id:system_admin": invitations[leaver.account_id],
        "invitation_id:institution_admin": invitations[leaver_2.account_id],
        "invitation_id": invitations[leaver.account_id],
        "staff_account_id": x.staff_account,
        **await demand_ids(base, x.staff_account, x.enterprise, contact),
        **await docking_ids(base, x.admin, x.staff_account, x.enterprise),
        **await publication_ids(base, x.admin, x.staff_account, x.staff_member, x.enterprise),
        "spare_staff_member_id": spare_staff.staff_member_id,
        **await expert_ids(base, x.expert_account),
        **await digest_ids(base, x.expert),
        "manual_enterprise_id": await manual_enterprise(base, x.admin, x.id),
    }
    world.ids.update(await project_ids(base, world.accounts, x.enterprise))
    world.ids.update(await registration_ids(base, world.accounts, credit_code(990)))
    world.ids.update(await manager_ids(base, world, x.id, x.admin, "137333301"))
    await reachable_expert(base, x.expert_account)
    tokens: dict[str, str | None] = {"anonymous": None, "pending": await world.token(None, SessionKind.MINI_PROGRAM)}
    for role, account_id in world.accounts.items():
        kind = SessionKind.MINI_PROGRAM if role in ("expert", "enterprise_contact") else SessionKind.MICRO_APP
        tokens[role] = await world.token(account_id, kind)
    return world, x, tokens
