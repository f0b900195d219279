"""Institutions, officials and centres: who may create them, what is refused, and what the chain records."""

from __future__ import annotations

import json

from sqlalchemy import select

from handlers.audit.verify_audit_chain import verify_audit_chain
from handlers.errors import Conflict, Forbidden, InvalidInput, NotFound
from handlers.institutions.create_centre import CreateCentre, create_centre
from handlers.institutions.create_institution import CreateInstitution, create_institution
from handlers.institutions.update_institution import UpdateInstitution, update_institution
from handlers.officials.create_official import CreateOfficial, create_official
from handlers.staff.add_staff import AddStaff, add_staff
from store.models.audit import AuditEntry, AuditPersonalField
from store.models.organisation import Account, AccountRole, Institution, Official, RegionLevel, Role
from tests.organisation.conftest import Org, refused
from tests.policies import DEMANDS, MEMBERSHIP

CODE_B = "12330100MB0123456R"


def _cmd(org: Org, **overrides: object) -> CreateInstitution:
    fields: dict[str, object] = {
        "actor_id": org.admin_id,
        "name": "浙江大学技术转移中心",
        "credit_code": "12330000470003281H",
        "type": "university",
        "region_code": "330106",
        "admin_name": "林管理",
        "admin_mobile": "13800000001",
        "service_types": ("technology_transfer", "technology_consulting"),
        "min_fee_ratio_bp": 800,
        "introduction": "面向企业的技术转移服务",
        "head": "周负责",
    }
    fields.update(overrides)
    return CreateInstitution(**fields)  # type: ignore[arg-type]


async def test_system_admin_creates_an_institution_with_its_admin(org: Org) -> None:
    created = await create_institution(
        _cmd(org), org.uow, org.regions, fee_floor_bp=DEMANDS.fee_floor_bp, membership=MEMBERSHIP
    )
    assert created.admin_account_created
    async with org.container.sessionmaker() as s:
        inst = await s.get(Institution, created.institution_id)
        assert inst is not None
        assert (inst.credit_code, inst.min_fee_ratio_bp, inst.admin_account_id) == (
            "12330000470003281H",
            800,
            created.admin_account_id,
        )
        assert inst.service_types == ["technology_consulting", "technology_transfer"]
        role = await s.scalar(select(AccountRole).where(AccountRole.account_id == created.admin_account_id))
        assert role is not None and (role.role, role.institution_id) == (Role.INSTITUTION_ADMIN, inst.id)
        entries = list(await s.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        assert [(e.aggregate_type, e.action) for e in entries] == [
            ("account", "created"),
            ("account", "role_granted"),
            ("institution", "created"),
            ("account", "dingtalk_invited"),  # DingTalk's organisation is asked to take the admin in
        ]
        # Personal values never enter the chain's plain data: only in the erasable side table.
        text = "".join(e.data for e in entries)
        assert "13800000001" not in text and "林管理" not in text and "周负责" not in text
        personal = {p.field: p.value for p in await s.scalars(select(AuditPersonalField))}
        assert personal == {"name": "林管理", "mobile": "13800000001", "head": "周负责"}
        assert json.loads(entries[2].data)["credit_code"] == "12330000470003281H"
    report = await verify_audit_chain(org.uow, org.container.anchors)
    assert report.ok, report


async def test_create_institution_bad_inputs_change_nothing(org: Org) -> None:
    await org.institution()
    c = org.container
    await refused(
        c,
        create_institution(
            _cmd(org, credit_code="12330100MB0123456X"),
            org.uow,
            org.regions,
            fee_floor_bp=DEMANDS.fee_floor_bp,
            membership=MEMBERSHIP,
        ),
        InvalidInput,
        "invalid_credit_code",
    )
    await refused(
        c,
        create_institution(
            _cmd(org, introduction="字" * 301, credit_code=CODE_B),
            org.uow,
            org.regions,
            fee_floor_bp=DEMANDS.fee_floor_bp,
            membership=MEMBERSHIP,
        ),
        InvalidInput,
        "introduction_too_long",
    )
    await refused(
        c,
        create_institution(
            _cmd(org, admin_mobile="0571-87654321", credit_code=CODE_B),
            org.uow,
            org.regions,
            fee_floor_bp=DEMANDS.fee_floor_bp,
            membership=MEMBERSHIP,
        ),
        InvalidInput,
        "invalid_mobile",
    )
    await refused(
        c,
        create_institution(
            _cmd(org, min_fee_ratio_bp=10_001, credit_code=CODE_B),
            org.uow,
            org.regions,
            fee_floor_bp=DEMANDS.fee_floor_bp,
            membership=MEMBERSHIP,
        ),
        InvalidInput,
        "invalid_fee_ratio",
    )
    await refused(
        c,
        create_institution(
            _cmd(org, region_code="330199", credit_code=CODE_B),
            org.uow,
            org.regions,
            fee_floor_bp=DEMANDS.fee_floor_bp,
            membership=MEMBERSHIP,
        ),
        InvalidInput,
        "invalid_region",
    )
    await refused(
        c,
        create_institution(
            _cmd(org, type="bank", credit_code=CODE_B),
            org.uow,
            org.regions,
            fee_floor_bp=DEMANDS.fee_floor_bp,
            membership=MEMBERSHIP,
        ),
        InvalidInput,
        "invalid_institution_type",
    )
    # The same credit code twice; the same admin for a second institution.
    await refused(
        c,
        create_institution(
            _cmd(org, admin_mobile="13800000009"),
            org.uow,
            org.regions,
            fee_floor_bp=DEMANDS.fee_floor_bp,
            membership=MEMBERSHIP,
        ),
        Conflict,
        "institution_exists",
    )
    await refused(
        c,
        create_institution(
            _cmd(org, credit_code=CODE_B),
            org.uow,
            org.regions,
            fee_floor_bp=DEMANDS.fee_floor_bp,
            membership=MEMBERSHIP,
        ),
        Conflict,
        "admin_taken",
    )


async def test_only_the_system_admin_creates_institutions_and_officials(org: Org) -> None:
    _, inst_admin = await org.institution()
    c = org.container
    await refused(
        c,
        create_institution(
            _cmd(org, actor_id=inst_admin, credit_code=CODE_B, admin_mobile="13800000002"),
            org.uow,
            org.regions,
            fee_floor_bp=DEMANDS.fee_floor_bp,
            membership=MEMBERSHIP,
        ),
        Forbidden,
        "forbidden",
    )
    await refused(
        c,
        create_official(
            CreateOfficial(inst_admin, "钱科长", "13700000001", "330106"), org.uow, org.regions, membership=MEMBERSHIP
        ),
        Forbidden,
        "forbidden",
    )
    await refused(
        c,
        create_institution(
            _cmd(org, actor_id=9999, credit_code=CODE_B),
            org.uow,
            org.regions,
            fee_floor_bp=DEMANDS.fee_floor_bp,
            membership=MEMBERSHIP,
        ),
        Forbidden,
        "forbidden",
    )


async def test_officials_at_three_levels(org: Org) -> None:
    levels = []
    for mobile, code in [("13700000001", "330000"), ("13700000002", "330100"), ("13700000003", "330114")]:
        created = await create_official(
            CreateOfficial(org.admin_id, "科技局", mobile, code), org.uow, org.regions, membership=MEMBERSHIP
        )
        levels.append(created.level)
    assert levels == [RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.DISTRICT]
    c = org.container
    await refused(
        c,
        create_official(
            CreateOfficial(org.admin_id, "科技局", "13700000003", "330106"), org.uow, org.regions, membership=MEMBERSHIP
        ),
        Conflict,
        "official_exists",
    )
    await refused(
        c,
        create_official(
            CreateOfficial(org.admin_id, "科技局", "057187654321", "330106"),
            org.uow,
            org.regions,
            membership=MEMBERSHIP,
        ),
        InvalidInput,
        "invalid_mobile",
    )
    await refused(
        c,
        create_official(
            CreateOfficial(org.admin_id, "科技局", "13700000004", "330199"), org.uow, org.regions, membership=MEMBERSHIP
        ),
        InvalidInput,
        "invalid_region",
    )
    async with org.container.sessionmaker() as s:
        assert len(list(await s.scalars(select(Official)))) == 3


async def test_an_official_who_is_also_an_institution_admin_keeps_one_account(org: Org) -> None:
    _, inst_admin = await org.institution(mobile="13800000001")
    created = await create_official(
        CreateOfficial(org.admin_id, "另一个名字", "13800000001", "330100"), org.uow, org.regions, membership=MEMBERSHIP
    )
    assert created.account_id == inst_admin and not created.account_created
    async with org.container.sessionmaker() as s:
        account = await s.get(Account, inst_admin)
        assert account is not None and account.name == "林管理"  # the person's name is not overwritten


async def test_the_institution_admin_updates_their_institution(org: Org) -> None:
    inst, admin = await org.institution()
    updated = await update_institution(
        UpdateInstitution(
            admin,
            inst,
            type="tech_transfer_agency",
            service_types=("incubation",),
            min_fee_ratio_bp=700,
            introduction="新的简介",
            head="新负责人",
        ),
        org.uow,
        fee_floor_bp=DEMANDS.fee_floor_bp,
    )
    assert updated.changed == ("head", "introduction", "min_fee_ratio_bp", "service_types", "type")
    unchanged = await update_institution(
        UpdateInstitution(admin, inst, min_fee_ratio_bp=700), org.uow, fee_floor_bp=DEMANDS.fee_floor_bp
    )
    assert unchanged.changed == ()
    async with org.container.sessionmaker() as s:
        row = await s.get(Institution, inst)
        assert row is not None
        assert (row.type, row.service_types, row.min_fee_ratio_bp, row.introduction, row.head) == (
            "tech_transfer_agency",
            ["incubation"],
            700,
            "新的简介",
            "新负责人",
        )
        actions = list(await s.scalars(select(AuditEntry.action).where(AuditEntry.aggregate_type == "institution")))
        assert actions == ["created", "updated"]


async def test_update_institution_refusals(org: Org) -> None:
    inst, admin = await org.institution()
    other, other_admin = await org.institution("杭州市技术转移中心", CODE_B, mobile="13800000002", region="330100")
    c = org.container
    await refused(
        c,
        update_institution(
            UpdateInstitution(admin, inst, introduction="长" * 301), org.uow, fee_floor_bp=DEMANDS.fee_floor_bp
        ),
        InvalidInput,
        "introduction_too_long",
    )
    await refused(
        c,
        update_institution(
            UpdateInstitution(admin, inst, min_fee_ratio_bp=-1), org.uow, fee_floor_bp=DEMANDS.fee_floor_bp
        ),
        InvalidInput,
        "invalid_fee_ratio",
    )
    await refused(
        c,
        update_institution(
            UpdateInstitution(admin, inst, min_fee_ratio_bp=300), org.uow, fee_floor_bp=DEMANDS.fee_floor_bp
        ),
        InvalidInput,
        "min_fee_ratio_below_floor",
    )
    await refused(
        c,
        update_institution(
            UpdateInstitution(admin, inst, service_types=("banking",)), org.uow, fee_floor_bp=DEMANDS.fee_floor_bp
        ),
        InvalidInput,
        "invalid_service_type",
    )
    # Another institution's admin, and the system admin, may not edit it.
    await refused(
        c,
        update_institution(
            UpdateInstitution(other_admin, inst, head="某人"), org.uow, fee_floor_bp=DEMANDS.fee_floor_bp
        ),
        Forbidden,
        "forbidden",
    )
    await refused(
        c,
        update_institution(
            UpdateInstitution(org.admin_id, other, head="某人"), org.uow, fee_floor_bp=DEMANDS.fee_floor_bp
        ),
        Forbidden,
        "forbidden",
    )


async def test_centres(org: Org) -> None:
    inst, admin = await org.institution()
    _, other_admin = await org.institution("杭州市技术转移中心", CODE_B, mobile="13800000002", region="330100")
    centre = await create_centre(CreateCentre(admin, inst, "钱塘分中心", "330114"), org.uow, org.regions)
    assert centre.centre_id > 0
    c = org.container
    await refused(
        c,
        create_centre(CreateCentre(admin, inst, "钱塘分中心", "330114"), org.uow, org.regions),
        Conflict,
        "centre_exists",
    )
    await refused(
        c,
        create_centre(CreateCentre(admin, inst, "无效分中心", "339999"), org.uow, org.regions),
        InvalidInput,
        "invalid_region",
    )
    await refused(
        c,
        create_centre(CreateCentre(other_admin, inst, "越权分中心", "330114"), org.uow, org.regions),
        Forbidden,
        "forbidden",
    )
    await refused(
        c,
        add_staff(AddStaff(admin, 999, "小王", "13600000001", "技术经纪人"), org.uow, membership=MEMBERSHIP),
        NotFound,
        "not_found",
    )


async def test_a_minimum_fee_ratio_below_the_platform_floor_is_refused(org: Org) -> None:
    """Every demand needs at least the platform floor (5 %), so an institution minimum of 3 % would promise
    what no demand can carry: refused, naming the field and the floor; absent, the institution takes the floor."""
    with_floor = await create_institution(
        _cmd(org, min_fee_ratio_bp=None), org.uow, org.regions, fee_floor_bp=DEMANDS.fee_floor_bp, membership=MEMBERSHIP
    )
    try:
        await create_institution(
            _cmd(org, min_fee_ratio_bp=300, credit_code=CODE_B, admin_mobile="13800000002"),
            org.uow,
            org.regions,
            fee_floor_bp=DEMANDS.fee_floor_bp,
            membership=MEMBERSHIP,
        )
    except InvalidInput as e:
        assert (e.status, e.code) == (422, "min_fee_ratio_below_floor")
        assert e.message == "最低中介服务费比例不能低于平台下限5%"  # names the field and the floor
    else:
        raise AssertionError("3 % was accepted below the 5 % floor")
    # A configured floor is the one held to, on creation and on edit alike.
    raised = await create_institution(
        _cmd(org, min_fee_ratio_bp=600, credit_code=CODE_B, admin_mobile="13800000002"),
        org.uow,
        org.regions,
        fee_floor_bp=600,
        membership=MEMBERSHIP,
    )
    admin = with_floor.admin_account_id
    try:
        await update_institution(
            UpdateInstitution(admin, with_floor.institution_id, min_fee_ratio_bp=700), org.uow, fee_floor_bp=800
        )
    except InvalidInput as e:
        assert e.message == "最低中介服务费比例不能低于平台下限8%"
    else:
        raise AssertionError("7 % was accepted below an 8 % floor")
    async with org.container.sessionmaker() as s:
        rows = {i.id: i.min_fee_ratio_bp for i in await s.scalars(select(Institution))}
    assert rows == {with_floor.institution_id: 500, raised.institution_id: 600}
