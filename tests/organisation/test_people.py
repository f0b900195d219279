"""Staff, experts and their follow-ups, enterprises and contacts: rules, refusals, one person one account."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from handlers.enterprises.add_enterprise import AddEnterprise, add_enterprise
from handlers.enterprises.add_enterprise_contact import AddEnterpriseContact, add_enterprise_contact
from handlers.errors import Conflict, Forbidden, InvalidInput, NotFound
from handlers.experts.add_expert import AddExpert, add_expert
from handlers.experts.add_expert_follow_up import AddExpertFollowUp, add_expert_follow_up
from handlers.experts.expert_profiles import Work
from handlers.institutions.create_centre import CreateCentre, create_centre
from handlers.institutions.create_institution import ADMIN_IS_STAFF
from handlers.staff.add_staff import STAFF_IS_ADMIN, AddStaff, add_staff
from store.models.audit import AuditEntry, AuditPersonalField
from store.models.organisation import Account, AccountRole, Role, StaffMember
from store.models.organisation_people import (
    Enterprise,
    EnterpriseContact,
    Expert,
    ExpertFollowUp,
    ExpertLink,
    ExpertResearchResult,
)
from tests.organisation.conftest import Org, refused
from tests.policies import MEMBERSHIP

CODE_B = "12330100MB0123456R"
CLOUD = "杭州云栖智能传感科技有限公司"


async def _inst_with_centre(org: Org) -> tuple[int, int, int]:
    inst, admin = await org.institution()
    centre = await create_centre(CreateCentre(admin, inst, "钱塘分中心", "330114"), org.uow, org.regions)
    return inst, admin, centre.centre_id


async def test_add_staff_and_a_centre_admin(org: Org) -> None:
    inst, admin, centre = await _inst_with_centre(org)
    staff = await add_staff(
        AddStaff(admin, centre, "王技转", "13600000001", "技术经纪人"), org.uow, membership=MEMBERSHIP
    )
    boss = await add_staff(
        AddStaff(admin, centre, "赵主任", "13600000002", "主任", centre_admin=True), org.uow, membership=MEMBERSHIP
    )
    async with org.container.sessionmaker() as s:
        roles = {
            (r.account_id, r.role, r.centre_id, r.institution_id)
            for r in await s.scalars(select(AccountRole))
            if r.account_id in (staff.account_id, boss.account_id)
        }
        assert roles == {
            (staff.account_id, Role.STAFF, centre, inst),
            (boss.account_id, Role.STAFF, centre, inst),
            (boss.account_id, Role.CENTRE_ADMIN, centre, inst),
        }
        member = await s.get(StaffMember, staff.staff_member_id)
        assert member is not None and (member.position, member.centre_id) == ("技术经纪人", centre)
        personal = set(await s.scalars(select(AuditPersonalField.value)))
        assert {"王技转", "13600000001"} <= personal
        data = "".join(await s.scalars(select(AuditEntry.data)))
        assert "13600000001" not in data and "王技转" not in data


async def test_add_staff_refusals(org: Org) -> None:
    inst, admin, centre = await _inst_with_centre(org)
    await add_staff(AddStaff(admin, centre, "王技转", "13600000001", "技术经纪人"), org.uow, membership=MEMBERSHIP)
    other_inst, other_admin = await org.institution("杭州市技术转移中心", CODE_B, mobile="13800000002", region="330100")
    c = org.container
    await refused(
        c,
        add_staff(AddStaff(admin, centre, "李四", "0571-87654321", "经纪人"), org.uow, membership=MEMBERSHIP),
        InvalidInput,
        "invalid_mobile",
    )
    # The same person twice as staff, even through another institution.
    await refused(
        c,
        add_staff(AddStaff(admin, centre, "王技转", "13600000001", "经纪人"), org.uow, membership=MEMBERSHIP),
        Conflict,
        "staff_exists",
    )
    other_centre = await create_centre(
        CreateCentre(other_admin, other_inst, "宁波分中心", "330203"), org.uow, org.regions
    )
    await refused(
        c,
        add_staff(
            AddStaff(other_admin, other_centre.centre_id, "王技转", "13600000001", "经纪人"),
            org.uow,
            membership=MEMBERSHIP,
        ),
        Conflict,
        "staff_exists",
    )
    # Seed 004 §一.3: an institution admin's mobile is never a staff member's, either way round.
    error = await refused(
        c,
        add_staff(AddStaff(admin, centre, "林管理", "13800000001", "经纪人"), org.uow, membership=MEMBERSHIP),
        Conflict,
        "staff_is_admin",
    )
    assert error.message == STAFF_IS_ADMIN
    await refused(
        c,
        add_staff(AddStaff(admin, centre, "别的机构管理员", "13800000002", "经纪人"), org.uow, membership=MEMBERSHIP),
        Conflict,
        "staff_is_admin",
    )
    error = await refused(
        c, org.institution("第三家机构", "52330106MJ8765432T", mobile="13600000001"), Conflict, "admin_is_staff"
    )
    assert error.message == ADMIN_IS_STAFF
    # Only the centre's own institution admin adds staff; another institution's admin is not even told the
    # centre exists, and the system admin, who sees it, may not add to it.
    await refused(
        c,
        add_staff(AddStaff(other_admin, centre, "张三", "13600000003", "经纪人"), org.uow, membership=MEMBERSHIP),
        NotFound,
        "not_found",
    )
    await refused(
        c,
        add_staff(AddStaff(org.admin_id, centre, "张三", "13600000003", "经纪人"), org.uow, membership=MEMBERSHIP),
        Forbidden,
        "forbidden",
    )
    assert inst != other_inst


async def test_an_expert_of_two_institutions_is_one_person_with_two_links(org: Org) -> None:
    inst_a, admin_a = await org.institution()
    inst_b, admin_b = await org.institution("杭州市技术转移中心", CODE_B, mobile="13800000002", region="330100")
    first = await add_expert(
        AddExpert(
            admin_a,
            inst_a,
            "钱教授",
            "13500000001",
            title="教授",
            employer="浙江大学",
            introduction="传感器",
            research_results=(Work("柔性传感器", "一种柔性传感器"),),
            technical_solutions=(Work("产线检测"),),
        ),
        org.uow,
    )
    second = await add_expert(
        AddExpert(admin_b, inst_b, "钱某某", "13500000001", title="研究员", employer="别处", introduction="改写"),
        org.uow,
    )
    assert first.new_person and not second.new_person
    assert (first.expert_id, first.account_id) == (second.expert_id, second.account_id)
    assert first.link_id != second.link_id
    async with org.container.sessionmaker() as s:
        assert await s.scalar(select(func.count()).select_from(Account).where(Account.mobile == "13500000001")) == 1
        expert = await s.get(Expert, first.expert_id)
        assert expert is not None and (expert.title, expert.employer, expert.introduction) == (
            "教授",
            "浙江大学",
            "传感器",
        )
        links = {link.institution_id for link in await s.scalars(select(ExpertLink))}
        assert links == {inst_a, inst_b}
        assert await s.scalar(select(func.count()).select_from(ExpertResearchResult)) == 1
        actions = list(
            await s.scalars(
                select(AuditEntry.action).where(AuditEntry.aggregate_type == "expert").order_by(AuditEntry.seq)
            )
        )
        assert actions == ["created", "linked", "linked"]
    c = org.container
    await refused(
        c, add_expert(AddExpert(admin_a, inst_a, "钱教授", "13500000001"), org.uow), Conflict, "expert_exists"
    )
    await refused(
        c,
        add_expert(AddExpert(admin_a, inst_a, "孙教授", "13500000002", introduction="长" * 301), org.uow),
        InvalidInput,
        "introduction_too_long",
    )
    await refused(
        c, add_expert(AddExpert(admin_a, inst_a, "孙教授", "0571-88888888"), org.uow), InvalidInput, "invalid_mobile"
    )
    await refused(
        c,
        add_expert(AddExpert(admin_a, inst_a, "孙教授", "13500000002", title="职" * 65), org.uow),
        InvalidInput,
        "field_too_long",
    )
    await refused(
        c,
        add_expert(AddExpert(admin_a, inst_a, "孙教授", "13500000002", research_results=(Work(" "),)), org.uow),
        InvalidInput,
        "missing_field",
    )
    await refused(c, add_expert(AddExpert(admin_b, inst_a, "孙教授", "13500000002"), org.uow), Forbidden, "forbidden")


async def test_follow_ups_belong_to_the_link(org: Org) -> None:
    inst_a, admin_a, centre = await _inst_with_centre(org)
    staff = await add_staff(
        AddStaff(admin_a, centre, "王技转", "13600000001", "技术经纪人"), org.uow, membership=MEMBERSHIP
    )
    inst_b, admin_b = await org.institution("杭州市技术转移中心", CODE_B, mobile="13800000002", region="330100")
    link_a = await add_expert(AddExpert(admin_a, inst_a, "钱教授", "13500000001"), org.uow)
    link_b = await add_expert(AddExpert(admin_b, inst_b, "钱教授", "13500000001"), org.uow)
    when = org.container.clock.now() - timedelta(hours=2)
    added = await add_expert_follow_up(
        AddExpertFollowUp(staff.account_id, link_a.link_id, "visit", when, "上门拜访，了解研究方向"), org.uow
    )
    async with org.container.sessionmaker() as s:
        row = await s.get(ExpertFollowUp, added.follow_up_id)
        assert row is not None and (row.link_id, row.staff_account_id, row.occurred_at) == (
            link_a.link_id,
            staff.account_id,
            when,
        )
        data = "".join(await s.scalars(select(AuditEntry.data)))
        assert "上门拜访" not in data
    c = org.container
    # Staff of institution A do not see institution B's link; admins are not staff.
    await refused(
        c,
        add_expert_follow_up(AddExpertFollowUp(staff.account_id, link_b.link_id, "visit", when, "越权"), org.uow),
        NotFound,
        "not_found",
    )
    await refused(
        c,
        add_expert_follow_up(AddExpertFollowUp(admin_a, link_a.link_id, "visit", when, "管理员"), org.uow),
        Forbidden,
        "forbidden",
    )
    await refused(
        c,
        add_expert_follow_up(AddExpertFollowUp(staff.account_id, link_a.link_id, "dinner", when, "x"), org.uow),
        InvalidInput,
        "invalid_follow_up_kind",
    )
    await refused(
        c,
        add_expert_follow_up(AddExpertFollowUp(staff.account_id, link_a.link_id, "phone", when, " "), org.uow),
        InvalidInput,
        "missing_field",
    )
    future = org.container.clock.now() + timedelta(days=1)
    await refused(
        c,
        add_expert_follow_up(AddExpertFollowUp(staff.account_id, link_a.link_id, "phone", future, "x"), org.uow),
        InvalidInput,
        "invalid_time",
    )
    await refused(
        c,
        add_expert_follow_up(AddExpertFollowUp(staff.account_id, 999, "phone", when, "x"), org.uow),
        NotFound,
        "not_found",
    )


async def test_enterprises_come_from_the_registry(org: Org) -> None:
    inst_a, admin_a, centre = await _inst_with_centre(org)
    staff = await add_staff(
        AddStaff(admin_a, centre, "王技转", "13600000001", "技术经纪人"), org.uow, membership=MEMBERSHIP
    )
    inst_b, admin_b = await org.institution("杭州市技术转移中心", CODE_B, mobile="13800000002", region="330100")
    added = await add_enterprise(AddEnterprise(staff.account_id, inst_a, CLOUD), org.uow, org.registry, org.regions)
    assert added.new_enterprise and added.credit_code == "91330106MAPBRNYT66"
    again = await add_enterprise(AddEnterprise(admin_b, inst_b, CLOUD), org.uow, org.registry, org.regions)
    assert not again.new_enterprise and again.enterprise_id == added.enterprise_id
    async with org.container.sessionmaker() as s:
        row = await s.get(Enterprise, added.enterprise_id)
        assert row is not None
        assert (row.region_code, row.legal_representative, row.registered_capital_fen) == ("330106", "陈立明", 10**9)
        data = "".join(await s.scalars(select(AuditEntry.data)))
        assert "91330106MAPBRNYT66" in data and "陈立明" not in data
    c = org.container
    error = await refused(
        c,
        add_enterprise(AddEnterprise(admin_a, inst_a, "杭州不存在科技有限公司"), org.uow, org.registry, org.regions),
        NotFound,
        "enterprise_not_registered",
    )
    assert error.message == "未查询到该企业的工商信息，请核对企业全称，或手工录入企业信息"
    await refused(
        c,
        add_enterprise(AddEnterprise(admin_a, inst_a, CLOUD), org.uow, org.registry, org.regions),
        Conflict,
        "enterprise_exists",
    )
    lookups = len(org.registry.lookups)
    await refused(
        c,
        add_enterprise(AddEnterprise(admin_b, inst_a, "杭州西溪新材料有限公司"), org.uow, org.registry, org.regions),
        Forbidden,
        "forbidden",
    )
    assert len(org.registry.lookups) == lookups  # an outsider costs no registry query
    await refused(
        c,
        add_enterprise(AddEnterprise(admin_a, inst_a, " "), org.uow, org.registry, org.regions),
        InvalidInput,
        "missing_field",
    )


async def test_enterprise_contacts(org: Org) -> None:
    inst_a, admin_a = await org.institution()
    _, admin_b = await org.institution("杭州市技术转移中心", CODE_B, mobile="13800000002", region="330100")
    ent = await add_enterprise(AddEnterprise(admin_a, inst_a, CLOUD), org.uow, org.registry, org.regions)
    contact = await add_enterprise_contact(
        AddEnterpriseContact(admin_a, ent.enterprise_id, "陈经理", "技术总监", "0571-87654321"), org.uow
    )
    async with org.container.sessionmaker() as s:
        row = await s.get(EnterpriseContact, contact.contact_id)
        assert row is not None and (row.name, row.position, row.phone) == ("陈经理", "技术总监", "0571-87654321")
        data = "".join(await s.scalars(select(AuditEntry.data)))
        assert "陈经理" not in data and "87654321" not in data
    c = org.container
    await refused(
        c,
        add_enterprise_contact(
            AddEnterpriseContact(admin_a, ent.enterprise_id, "陈经理", "总监", "0571-87654321"), org.uow
        ),
        Conflict,
        "contact_exists",
    )
    await refused(
        c,
        add_enterprise_contact(AddEnterpriseContact(admin_a, ent.enterprise_id, "李", "总监", "123"), org.uow),
        InvalidInput,
        "invalid_phone",
    )
    # Institution B does not keep this enterprise: to B it is not there.
    await refused(
        c,
        add_enterprise_contact(AddEnterpriseContact(admin_b, ent.enterprise_id, "李", "总监", "13300000001"), org.uow),
        NotFound,
        "not_found",
    )
    await refused(
        c,
        add_enterprise_contact(AddEnterpriseContact(admin_a, 999, "李", "总监", "13300000001"), org.uow),
        NotFound,
        "not_found",
    )
