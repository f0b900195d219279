"""The demo organisation, seeded through the use cases: 浙江大学技术转移中心 with centres in 西湖区 and
钱塘区, its staff, experts with their pages, an official for 杭州市, enterprises from the sandbox registry
with a contact, and an invitation code. The people are the console's personas wherever one fits."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from handlers.auth.bootstrap_system_admin import BootstrapSystemAdmin, bootstrap_system_admin
from handlers.enterprises.add_enterprise import AddEnterprise, add_enterprise
from handlers.enterprises.add_enterprise_contact import AddEnterpriseContact, add_enterprise_contact
from handlers.experts.add_expert import AddExpert, add_expert
from handlers.experts.add_expert_follow_up import AddExpertFollowUp, add_expert_follow_up
from handlers.experts.expert_profiles import Work
from handlers.institutions.create_centre import CreateCentre, create_centre
from handlers.institutions.create_institution import CreateInstitution, create_institution
from handlers.invitations.create_invitation_code import CreateInvitationCode, create_invitation_code
from handlers.officials.create_official import CreateOfficial, create_official
from handlers.reference.regions import Regions
from handlers.staff.add_staff import AddStaff, add_staff
from sandbox.demo import DemoContext, demo_seed
from sandbox.registry import SandboxBusinessRegistry
from store.models.organisation import AccountRole, Institution, Role

CREDIT_CODE = "12330000470003281H"
INTRODUCTION = "依托浙江大学科研资源，面向长三角企业提供技术转移、成果转化与知识产权运营服务。"
# The demo system admin's starting password; the first sign-in asks for a new one.
SYSTEM_ADMIN_PASSWORD = "kezhuan2026"


async def _system_admin(ctx: DemoContext) -> int:
    async with ctx.uow() as uow:
        existing = await uow.session.scalar(
            select(AccountRole.account_id).where(AccountRole.role == Role.SYSTEM_ADMIN).limit(1)
        )
    if existing is not None:
        return existing
    return await bootstrap_system_admin(BootstrapSystemAdmin("王敏", "13800000001", SYSTEM_ADMIN_PASSWORD), ctx.uow())


@demo_seed("organisation", order=5)
async def seed_organisation(ctx: DemoContext) -> None:
    async with ctx.uow() as uow:
        if await uow.session.scalar(select(Institution.id).where(Institution.credit_code == CREDIT_CODE)):
            return  # seeded before, in this database
    regions, registry = Regions.load(), SandboxBusinessRegistry()
    system = await _system_admin(ctx)
    inst = await create_institution(
        CreateInstitution(
            actor_id=system,
            name="浙江大学技术转移中心",
            credit_code=CREDIT_CODE,
            type="university",
            region_code="330106",
            admin_name="李强",
            admin_mobile="13800000002",
            service_types=("technology_transfer", "technology_consulting", "intellectual_property"),
            min_fee_ratio_bp=600,
            introduction=INTRODUCTION,
            head="吴明",
        ),
        ctx.uow(),
        regions,
        membership=ctx.membership,
        fee_floor_bp=ctx.demands.fee_floor_bp,
    )
    admin, institution = inst.admin_account_id, inst.institution_id
    xihu = await create_centre(CreateCentre(admin, institution, "杭州西湖分中心", "330106"), ctx.uow(), regions)
    qiantang = await create_centre(CreateCentre(admin, institution, "杭州钱塘分中心", "330114"), ctx.uow(), regions)
    staff = (
        AddStaff(admin, qiantang.centre_id, "周婷", "13800000003", "中心主任", True),
        AddStaff(admin, qiantang.centre_id, "张三", "13800000004", "技术经理人"),
        AddStaff(admin, xihu.centre_id, "孙丽", "13900000011", "技术经理人"),
    )
    zhang = [await add_staff(cmd, ctx.uow(), membership=ctx.membership) for cmd in staff][1]
    chen = await add_expert(
        AddExpert(
            admin,
            institution,
            "陈教授",
            "13800000005",
            "教授",
            "浙江大学材料科学与工程学院",
            "长期从事高性能金属材料与表面工程研究，主持国家重点研发计划项目2项。",
            research_results=(
                Work("高强韧铝合金短流程制备技术", "已授权发明专利6项，在汽车轻量化部件中应用"),
                Work("耐蚀涂层低温沉积工艺", "中试完成，涂层寿命提升3倍"),
            ),
            technical_solutions=(Work("新能源汽车电池壳体轻量化方案", "材料选型、成形工艺与检测一体化方案"),),
        ),
        ctx.uow(),
    )
    await add_expert(
        AddExpert(
            admin,
            institution,
            "吴研究员",
            "13900000012",
            "研究员",
            "之江实验室",
            "智能感知与工业物联网方向。",
            research_results=(Work("低功耗无线传感节点", "已在三家制造企业试点"),),
        ),
        ctx.uow(),
    )
    await add_expert_follow_up(
        AddExpertFollowUp(
            zhang.account_id,
            chen.link_id,
            "visit",
            ctx.clock.now() - timedelta(days=2),
            "上门拜访陈教授，了解铝合金技术的转化意向，约定下月对接钱塘区装备企业。",
        ),
        ctx.uow(),
    )
    await create_official(
        CreateOfficial(system, "赵局长", "13800000006", "330100"), ctx.uow(), regions, membership=ctx.membership
    )
    enterprise_ids = {}
    for name in ("杭州新远材料有限公司", "杭州云栖智能传感科技有限公司", "杭州钱塘半导体装备有限公司"):
        added = await add_enterprise(AddEnterprise(admin, institution, name), ctx.uow(), registry, regions)
        enterprise_ids[name] = added.enterprise_id
    await add_enterprise_contact(
        AddEnterpriseContact(admin, enterprise_ids["杭州新远材料有限公司"], "刘经理", "技术总监", "13800000007"),
        ctx.uow(),
    )
    await add_enterprise_contact(
        AddEnterpriseContact(
            zhang.account_id, enterprise_ids["杭州钱塘半导体装备有限公司"], "何工", "研发经理", "0571-86901234"
        ),
        ctx.uow(),
    )
    await create_invitation_code(
        CreateInvitationCode(admin, institution, ctx.clock.now() + timedelta(days=30), 20), ctx.uow()
    )
