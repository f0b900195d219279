"""Invitation codes: issued by an institution's admin, entered by technology managers, consumed atomically."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import func, select

from handlers.audit.verify_audit_chain import verify_audit_chain
from handlers.clock import ManualClock
from handlers.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from handlers.invitations import codes
from handlers.invitations.codes import CodeStatus
from handlers.invitations.create_invitation_code import CreateInvitationCode, create_invitation_code
from handlers.invitations.list_invitation_codes import ListInvitationCodes, list_invitation_codes
from handlers.invitations.redeem_invitation_code import RedeemInvitationCode, redeem_invitation_code
from handlers.invitations.revoke_invitation_code import RevokeInvitationCode, revoke_invitation_code
from store.models.audit import AuditEntry
from store.models.invitations import InvitationCode, InvitationPurpose, InvitationRedemption
from store.models.organisation import Account, AccountRole, AccountStatus, Role
from tests.organisation.conftest import Org, refused
from tests.policies import MEMBERSHIP

CODE_B = "12330100MB0123456R"
DAY = timedelta(days=1)


async def _person(org: Org, mobile: str) -> int:
    """A registered person; self-registration has no use case yet, so the test inserts the account."""
    async with org.uow as uow:
        now = uow.clock.now()
        account = Account(name="经理人", mobile=mobile, status=AccountStatus.ACTIVE, created_at=now, updated_at=now)
        uow.session.add(account)
        await uow.commit()
    return account.id


async def _code(org: Org, admin: int, inst: int, *, max_uses: int = 5, valid: timedelta = 7 * DAY) -> tuple[int, str]:
    created = await create_invitation_code(
        CreateInvitationCode(admin, inst, org.container.clock.now() + valid, max_uses), org.uow
    )
    return created.invitation_code_id, created.code


async def _uses(org: Org, code_id: int) -> tuple[int, int]:
    """The code's counter and the number of usage-trail rows."""
    async with org.container.sessionmaker() as s:
        code = await s.get(InvitationCode, code_id)
        assert code is not None
        trail = await s.scalar(
            select(func.count())
            .select_from(InvitationRedemption)
            .where(InvitationRedemption.invitation_code_id == code_id)
        )
        return code.uses, int(trail or 0)


async def _actions(org: Org) -> list[tuple[str, str]]:
    async with org.container.sessionmaker() as s:
        return [(e.aggregate_type, e.action) for e in await s.scalars(select(AuditEntry).order_by(AuditEntry.id))]


async def test_admin_issues_a_code_and_a_manager_binds_with_it(org: Org) -> None:
    inst, admin = await org.institution()
    code_id, code = await _code(org, admin, inst, max_uses=2)
    assert len(code) == codes.LENGTH and set(code) <= set(codes.ALPHABET)
    assert not set(code) & set("01OI")
    manager = await _person(org, "13700000001")
    before = await _actions(org)

    # Typed in lower case with a dash, as people do.
    typed = f"{code[:4].lower()}-{code[4:]}"
    redeemed = await redeem_invitation_code(RedeemInvitationCode(manager, typed), org.uow)

    assert (redeemed.institution_id, redeemed.purpose, redeemed.first_time) == (
        inst,
        InvitationPurpose.TECHNOLOGY_MANAGER,
        True,
    )
    assert await _uses(org, code_id) == (1, 1)
    assert (await _actions(org))[len(before) :] == [
        ("invitation_code", "redeemed"),
        ("account", "role_granted"),
    ]
    async with org.container.sessionmaker() as s:
        query = select(AccountRole.role, AccountRole.institution_id).where(AccountRole.account_id == manager)
        granted = (await s.execute(query)).all()
    assert (Role.TECHNOLOGY_MANAGER, inst) in [(r, i) for r, i in granted], "the manager now works for the institution"
    page = await list_invitation_codes(ListInvitationCodes(admin, inst), org.uow)
    [view] = page.items
    assert (view.code, view.uses, view.max_uses, view.status, page.total) == (code, 1, 2, CodeStatus.ACTIVE, 1)
    report = await verify_audit_chain(org.uow, org.container.anchors)
    assert report.ok, report.findings


async def test_a_code_expires_on_the_clock(org: Org, clock: ManualClock) -> None:
    inst, admin = await org.institution()
    code_id, code = await _code(org, admin, inst, valid=DAY)
    early, late = await _person(org, "13700000001"), await _person(org, "13700000002")
    clock.advance(DAY.total_seconds() - 1)
    await redeem_invitation_code(RedeemInvitationCode(early, code), org.uow)
    clock.advance(1)

    error = await refused(
        org.container,
        redeem_invitation_code(RedeemInvitationCode(late, code), org.uow),
        Conflict,
        "invitation_expired",
    )
    assert error.message == "邀请码已过期"
    assert await _uses(org, code_id) == (1, 1)
    [view] = (await list_invitation_codes(ListInvitationCodes(admin, inst), org.uow)).items
    assert view.status == CodeStatus.EXPIRED


async def test_a_revoked_code_tells_the_person_why(org: Org) -> None:
    inst, admin = await org.institution()
    code_id, code = await _code(org, admin, inst)
    await revoke_invitation_code(RevokeInvitationCode(admin, code_id, "  本批次经理人已登记完毕 "), org.uow)
    manager = await _person(org, "13700000001")

    error = await refused(
        org.container,
        redeem_invitation_code(RedeemInvitationCode(manager, code), org.uow),
        Conflict,
        "invitation_revoked",
    )
    assert error.message == "邀请码已被撤销：本批次经理人已登记完毕"
    await refused(
        org.container,
        revoke_invitation_code(RevokeInvitationCode(admin, code_id, "再次撤销"), org.uow),
        Conflict,
        "already_revoked",
    )
    [view] = (await list_invitation_codes(ListInvitationCodes(admin, inst), org.uow)).items
    assert (view.status, view.revoke_reason, view.uses) == (CodeStatus.REVOKED, "本批次经理人已登记完毕", 0)
    assert ("invitation_code", "revoked") in await _actions(org)


async def test_concurrent_redemptions_never_pass_max_uses(org: Org) -> None:
    inst, admin = await org.institution()
    code_id, code = await _code(org, admin, inst, max_uses=3)
    people = [await _person(org, f"137000000{n:02d}") for n in range(10)]

    results = await asyncio.gather(
        *(redeem_invitation_code(RedeemInvitationCode(p, code), org.uow) for p in people),
        return_exceptions=True,
    )

    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, BaseException)]
    assert len(winners) == 3
    assert all(isinstance(e, DomainError) and e.code == "invitation_exhausted" for e in losers), losers
    assert all(e.message == "邀请码已达使用上限" for e in losers if isinstance(e, DomainError))
    assert await _uses(org, code_id) == (3, 3)
    [view] = (await list_invitation_codes(ListInvitationCodes(admin, inst), org.uow)).items
    assert view.status == CodeStatus.EXHAUSTED
    report = await verify_audit_chain(org.uow, org.container.anchors)
    assert report.ok, report.findings


async def test_the_same_person_entering_a_code_again_uses_it_once(org: Org) -> None:
    inst, admin = await org.institution()
    code_id, code = await _code(org, admin, inst, max_uses=3)
    manager = await _person(org, "13700000001")
    first = await redeem_invitation_code(RedeemInvitationCode(manager, code), org.uow)

    before = await _actions(org)
    again = await redeem_invitation_code(RedeemInvitationCode(manager, code), org.uow)
    both = await asyncio.gather(
        *(redeem_invitation_code(RedeemInvitationCode(manager, code), org.uow) for _ in range(2))
    )

    assert first.first_time and not again.first_time and not any(r.first_time for r in both)
    assert again.used_at == first.used_at
    assert await _uses(org, code_id) == (1, 1)
    assert await _actions(org) == before
    # Another code of the same institution binds nobody twice either.
    other_id, other = await _code(org, admin, inst)
    assert not (await redeem_invitation_code(RedeemInvitationCode(manager, other), org.uow)).first_time
    assert await _uses(org, other_id) == (0, 0)


async def test_a_concurrent_first_redemption_by_one_person_counts_once(org: Org) -> None:
    inst, admin = await org.institution()
    code_id, code = await _code(org, admin, inst, max_uses=3)
    manager = await _person(org, "13700000001")
    results = await asyncio.gather(
        *(redeem_invitation_code(RedeemInvitationCode(manager, code), org.uow) for _ in range(3))
    )
    assert sorted(r.first_time for r in results) == [False, False, True]
    assert await _uses(org, code_id) == (1, 1)


async def test_another_institutions_admin_cannot_issue_revoke_or_list(org: Org) -> None:
    inst, admin = await org.institution()
    _, other_admin = await org.institution("杭州市技术转移中心", CODE_B, mobile="13800000002", region="330100")
    code_id, _ = await _code(org, admin, inst)
    manager = await _person(org, "13700000001")
    expires = org.container.clock.now() + DAY

    for actor in (other_admin, manager, org.admin_id):
        await refused(
            org.container,
            create_invitation_code(CreateInvitationCode(actor, inst, expires, 5), org.uow),
            Forbidden,
            "forbidden",
        )
        # Another institution's admin is not told the code exists; those without any institution are refused.
        outsider = actor == other_admin
        await refused(
            org.container,
            revoke_invitation_code(RevokeInvitationCode(actor, code_id, "越权"), org.uow),
            NotFound if outsider else Forbidden,
            "not_found" if outsider else "forbidden",
        )
        await refused(
            org.container, list_invitation_codes(ListInvitationCodes(actor, inst), org.uow), Forbidden, "forbidden"
        )


async def test_bad_input_changes_nothing(org: Org) -> None:
    inst, admin = await org.institution()
    code_id, code = await _code(org, admin, inst, max_uses=1)
    first, second = await _person(org, "13700000001"), await _person(org, "13700000002")
    await redeem_invitation_code(RedeemInvitationCode(first, code), org.uow)
    now = org.container.clock.now()

    for max_uses in (0, -1, 1001, True):
        await refused(
            org.container,
            create_invitation_code(CreateInvitationCode(admin, inst, now + DAY, max_uses), org.uow),
            InvalidInput,
            "invalid_max_uses",
        )
    for expires in (now, now - DAY, now + timedelta(days=367), datetime(2026, 12, 1, 8, 0)):  # noqa: DTZ001
        await refused(
            org.container,
            create_invitation_code(CreateInvitationCode(admin, inst, expires, 5), org.uow),
            InvalidInput,
            "invalid_expiry",
        )
    await refused(
        org.container,
        create_invitation_code(
            CreateInvitationCode(admin, inst, now + DAY, 5, "janitor"),  # type: ignore[arg-type]
            org.uow,
        ),
        InvalidInput,
        "invalid_purpose",
    )
    await refused(
        org.container,
        revoke_invitation_code(RevokeInvitationCode(admin, code_id, "   "), org.uow),
        InvalidInput,
        "missing_field",
    )
    unknown = next(c for c in ("23456789", "98765432") if c != code)
    for typed in (unknown, "O0I1O0I1", "", "ABC", code + "2"):
        error = await refused(
            org.container,
            redeem_invitation_code(RedeemInvitationCode(second, typed), org.uow),
            InvalidInput,
            "invalid_invitation_code",
        )
        assert error.message == "邀请码无效"
    await refused(
        org.container,
        redeem_invitation_code(RedeemInvitationCode(second, code), org.uow),
        Conflict,
        "invitation_exhausted",
    )
    assert await _uses(org, code_id) == (1, 1)


async def test_a_code_clash_is_retried_with_a_fresh_code(org: Org) -> None:
    inst, admin = await org.institution()
    _, taken = await _code(org, admin, inst)
    proposals = iter([taken, "ABCDEFGH"])
    created = await create_invitation_code(
        CreateInvitationCode(admin, inst, org.container.clock.now() + DAY, 5), org.uow, lambda: next(proposals)
    )
    assert created.code == "ABCDEFGH"


async def test_a_disabled_account_or_a_missing_institution_is_refused(org: Org) -> None:
    inst, admin = await org.institution()
    _, code = await _code(org, admin, inst)
    manager = await _person(org, "13700000001")
    async with org.container.sessionmaker() as s, s.begin():
        account = await s.get(Account, manager)
        assert account is not None
        account.status = AccountStatus.DISABLED
    await refused(
        org.container,
        redeem_invitation_code(RedeemInvitationCode(manager, code), org.uow),
        Forbidden,
        "account_disabled",
    )
    # An institution that does not exist is not the admin's: refused as another institution is.
    await refused(
        org.container,
        create_invitation_code(CreateInvitationCode(admin, inst + 100, org.container.clock.now() + DAY, 5), org.uow),
        Forbidden,
        "forbidden",
    )


async def test_a_code_is_refused_to_those_it_is_not_meant_for(org: Org) -> None:
    """A code binds a technology manager to the institution they work for: officials, admins, experts and
    enterprise contacts are refused before any use is taken; so is a member of another institution, and a
    manager already bound elsewhere. The institution's own staff may bind themselves."""
    from handlers.enterprises.add_enterprise import AddEnterprise, add_enterprise
    from handlers.enterprises.add_enterprise_contact import AddEnterpriseContact, add_enterprise_contact
    from handlers.experts.add_expert import AddExpert, add_expert
    from handlers.institutions.create_centre import CreateCentre, create_centre
    from handlers.officials.create_official import CreateOfficial, create_official
    from handlers.staff.add_staff import AddStaff, add_staff

    inst, admin = await org.institution()
    other, other_admin = await org.institution("杭州市技术转移中心", CODE_B, mobile="13800000002", region="330100")
    code_id, code = await _code(org, admin, inst)
    _, other_code = await _code(org, other_admin, other)
    official = (
        await create_official(
            CreateOfficial(org.admin_id, "赵局长", "13700000010", "330106"), org.uow, org.regions, membership=MEMBERSHIP
        )
    ).account_id
    expert = (await add_expert(AddExpert(admin, inst, "陈教授", "13700000011"), org.uow)).account_id
    enterprise = await add_enterprise(
        AddEnterprise(admin, inst, "杭州云栖智能传感科技有限公司"), org.uow, org.registry, org.regions
    )
    await add_enterprise_contact(
        AddEnterpriseContact(admin, enterprise.enterprise_id, "刘经理", "总经理", "13700000012"), org.uow
    )
    async with org.container.sessionmaker() as s:
        contact = await s.scalar(select(Account.id).where(Account.mobile == "13700000012"))
    assert contact is not None
    centre = (await create_centre(CreateCentre(admin, inst, "西湖分中心", "330106"), org.uow, org.regions)).centre_id
    own_staff = (
        await add_staff(AddStaff(admin, centre, "张三", "13700000013", "技术经理人"), org.uow, membership=MEMBERSHIP)
    ).account_id
    other_centre = (
        await create_centre(CreateCentre(other_admin, other, "上城分中心", "330102"), org.uow, org.regions)
    ).centre_id
    other_staff = (
        await add_staff(
            AddStaff(other_admin, other_centre, "李四", "13700000014", "技术经理人"), org.uow, membership=MEMBERSHIP
        )
    ).account_id

    for who, label in (
        (official, "科技管理人员"),
        (org.admin_id, "系统管理员"),
        (admin, "法人机构管理员"),
        (expert, "专家"),
        (contact, "企业联系人"),
    ):
        error = await refused(
            org.container,
            redeem_invitation_code(RedeemInvitationCode(who, code), org.uow),
            Forbidden,
            "invitation_not_for_role",
        )
        assert error.message == f"邀请码供技术经理人绑定所在机构使用，{label}不能使用"
    await refused(
        org.container,
        redeem_invitation_code(RedeemInvitationCode(other_staff, code), org.uow),
        Forbidden,
        "invitation_other_institution",
    )
    assert await _uses(org, code_id) == (0, 0)

    # The institution's own staff member becomes its technology manager too.
    redeemed = await redeem_invitation_code(RedeemInvitationCode(own_staff, code), org.uow)
    assert redeemed.first_time and redeemed.institution_id == inst
    # A manager works for one institution: another institution's code is refused.
    manager = await _person(org, "13700000015")
    await redeem_invitation_code(RedeemInvitationCode(manager, code), org.uow)
    await refused(
        org.container,
        redeem_invitation_code(RedeemInvitationCode(manager, other_code), org.uow),
        Conflict,
        "manager_bound_elsewhere",
    )
    assert await _uses(org, code_id) == (2, 2)


async def test_a_manager_sees_their_institution_and_its_admin_lists_them(org: Org) -> None:
    """The granted role means something: the manager's grant is scoped to the institution (it is what /me lists),
    they see that institution's page and no other, and the institution's admin lists its managers."""
    from handlers.institutions.get_institution import GetInstitution, get_institution
    from handlers.invitations.list_technology_managers import ListTechnologyManagers, list_technology_managers
    from handlers.organisation.actors import load_actor

    inst, admin = await org.institution()
    other, other_admin = await org.institution("杭州市技术转移中心", CODE_B, mobile="13800000002", region="330100")
    _, code = await _code(org, admin, inst)
    manager = await _person(org, "13700000001")
    assert (await list_technology_managers(ListTechnologyManagers(admin, inst), org.uow)).items == ()
    with_nothing = await refused(
        org.container, get_institution(GetInstitution(manager, inst), org.uow), Forbidden, "forbidden"
    )
    assert with_nothing.message == "您没有权限查看法人机构信息"

    await redeem_invitation_code(RedeemInvitationCode(manager, code), org.uow)
    async with org.uow as uow:
        actor = await load_actor(uow, manager)
    assert [(g.role, g.institution_id) for g in actor.grants] == [(Role.TECHNOLOGY_MANAGER, inst)]
    page = await get_institution(GetInstitution(manager, inst), org.uow)
    assert page.name == "浙江大学技术转移中心"
    await refused(org.container, get_institution(GetInstitution(manager, other), org.uow), NotFound, "not_found")

    listed = await list_technology_managers(ListTechnologyManagers(admin, inst), org.uow)
    assert [(m.account_id, m.name, m.invitation_code) for m in listed.items] == [(manager, "经理人", code)]
    assert listed.total == 1
    await refused(
        org.container,
        list_technology_managers(ListTechnologyManagers(other_admin, inst), org.uow),
        Forbidden,
        "forbidden",
    )
    assert (await list_technology_managers(ListTechnologyManagers(other_admin, other), org.uow)).items == ()
