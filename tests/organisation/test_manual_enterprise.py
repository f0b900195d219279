"""Hand-entered enterprises: 未核验 until a registry confirms them, corrected only by the institution that entered
them until then; a second institution links the same credit code; a registry confirmation fills and locks them."""

from __future__ import annotations

from sqlalchemy import select

from handlers.audit.verify_audit_chain import verify_audit_chain
from handlers.enterprises.add_enterprise import AddEnterprise, add_enterprise
from handlers.enterprises.enter_enterprise import EnterEnterprise, enter_enterprise
from handlers.enterprises.get_enterprise import GetEnterprise, get_enterprise
from handlers.enterprises.ports import RegistryUnavailable
from handlers.enterprises.update_enterprise import UpdateEnterprise, update_enterprise
from handlers.enterprises.verify_enterprise import VerifyEnterprise, verify_enterprise
from handlers.errors import Conflict, Forbidden, InvalidInput, NotFound
from store.models.audit import AuditEntry
from store.models.organisation_people import Enterprise, EnterpriseVerification
from tests.organisation.conftest import Org, refused

XIXI, XIXI_CODE = "杭州西溪新材料有限公司", "91330106MAXG0TEQ2A"  # known to the sandbox registry
CODE_B = "12330100MB0123456R"


def entered(actor: int, institution: int, **changes: str) -> EnterEnterprise:
    fields = {
        "full_name": XIXI,
        "credit_code": XIXI_CODE,
        "region_code": "330106",
        "address": "杭州市西湖区文三路某号",
        "legal_representative": "王某",
    }
    return EnterEnterprise(actor, institution, **{**fields, **changes})


async def test_entered_by_hand_then_corrected_then_confirmed_by_the_registry(org: Org) -> None:
    inst, admin = await org.institution()
    added = await enter_enterprise(entered(admin, inst), org.uow, org.regions)
    assert (added.new_enterprise, added.verification) == (True, EnterpriseVerification.UNVERIFIED)
    page = await get_enterprise(GetEnterprise(admin, added.enterprise_id), org.uow)
    assert (page.verification_label, page.editable, page.established_on) == ("未核验", True, None)

    fixed = await update_enterprise(
        UpdateEnterprise(
            admin, added.enterprise_id, address="浙江省杭州市西湖区文三路90号", legal_representative="王海"
        ),
        org.uow,
        org.regions,
    )
    assert fixed.changed == ("address", "legal_representative")
    assert (
        await update_enterprise(
            UpdateEnterprise(admin, added.enterprise_id, address="浙江省杭州市西湖区文三路90号"), org.uow, org.regions
        )
    ).changed == ()

    confirmed = await verify_enterprise(
        VerifyEnterprise(admin, added.enterprise_id), org.uow, org.registry, org.regions
    )
    assert (confirmed.verification, confirmed.verified_by) == (EnterpriseVerification.VERIFIED, "sandbox")
    page = await get_enterprise(GetEnterprise(admin, added.enterprise_id), org.uow)
    # The registry's details replace the hand entry: its legal representative, capital and date.
    assert (page.legal_representative, page.registered_capital_fen) == ("王海燕", 500 * 10**6)
    assert (page.verification_label, page.editable, page.verified_by) == ("已核验", False, "sandbox")

    await refused(
        org.container,
        update_enterprise(UpdateEnterprise(admin, added.enterprise_id, address="别处"), org.uow, org.regions),
        Conflict,
        "enterprise_verified",
    )
    again = await verify_enterprise(VerifyEnterprise(admin, added.enterprise_id), org.uow, org.registry, org.regions)
    assert again.verification == EnterpriseVerification.VERIFIED  # asking twice changes nothing
    async with org.container.sessionmaker() as s:
        actions = list(await s.scalars(select(AuditEntry.action).where(AuditEntry.aggregate_type == "enterprise")))
    assert actions == ["entered", "corrected", "verified"]
    assert (await verify_audit_chain(org.uow, org.container.anchors)).ok


async def test_only_the_entering_institution_corrects_and_only_while_unverified(org: Org) -> None:
    inst_a, admin_a = await org.institution()
    inst_b, admin_b = await org.institution("杭州市技术转移中心", CODE_B, mobile="13800000002", region="330100")
    added = await enter_enterprise(entered(admin_a, inst_a), org.uow, org.regions)
    # B cannot see it before keeping it; once B keeps it too, B still may not correct A's entry.
    await refused(
        org.container,
        update_enterprise(UpdateEnterprise(admin_b, added.enterprise_id, address="别处"), org.uow, org.regions),
        NotFound,
        "not_found",
    )
    linked = await enter_enterprise(entered(admin_b, inst_b, legal_representative="另一个人"), org.uow, org.regions)
    assert (linked.enterprise_id, linked.new_enterprise) == (added.enterprise_id, False)
    page = await get_enterprise(GetEnterprise(admin_b, added.enterprise_id), org.uow)
    assert (page.legal_representative, page.editable) == ("王某", False)  # B's entry did not overwrite A's
    await refused(
        org.container,
        update_enterprise(UpdateEnterprise(admin_b, added.enterprise_id, address="别处"), org.uow, org.regions),
        Forbidden,
        "forbidden",
    )
    await refused(
        org.container, enter_enterprise(entered(admin_b, inst_b), org.uow, org.regions), Conflict, "enterprise_exists"
    )


async def test_a_credit_code_belongs_to_one_name(org: Org) -> None:
    inst_a, admin_a = await org.institution()
    inst_b, admin_b = await org.institution("杭州市技术转移中心", CODE_B, mobile="13800000002", region="330100")
    await enter_enterprise(entered(admin_a, inst_a), org.uow, org.regions)
    error = await refused(
        org.container,
        enter_enterprise(entered(admin_b, inst_b, full_name="杭州别的公司"), org.uow, org.regions),
        Conflict,
        "credit_code_taken",
    )
    assert error.field == "credit_code" and XIXI in error.message
    other = await enter_enterprise(
        entered(admin_a, inst_a, full_name="杭州别的公司", credit_code="91330106MAPBRNYT66"), org.uow, org.regions
    )
    await refused(
        org.container,
        update_enterprise(UpdateEnterprise(admin_a, other.enterprise_id, credit_code=XIXI_CODE), org.uow, org.regions),
        Conflict,
        "credit_code_taken",
    )


async def test_fields_are_checked_each_with_its_name(org: Org) -> None:
    inst, admin = await org.institution()
    for field, value, code in (
        ("credit_code", "91330106MAXG0TEQ2B", "credit_code_check"),
        ("region_code", "330199", "invalid_region"),
        ("legal_representative", "  ", "missing_field"),
        ("address", "长" * 256, "field_too_long"),
    ):
        key = "full_name" if field == "full_name" else field
        error = await refused(
            org.container,
            enter_enterprise(entered(admin, inst, **{key: value}), org.uow, org.regions),
            InvalidInput,
            code,
        )
        assert error.field == field


async def test_a_registry_that_knows_another_code_does_not_confirm(org: Org) -> None:
    inst, admin = await org.institution()
    body = "91330106MA0000001"
    from handlers.organisation.credit_code import check_character

    added = await enter_enterprise(entered(admin, inst, credit_code=body + check_character(body)), org.uow, org.regions)
    error = await refused(
        org.container,
        verify_enterprise(VerifyEnterprise(admin, added.enterprise_id), org.uow, org.registry, org.regions),
        Conflict,
        "credit_code_mismatch",
    )
    assert XIXI_CODE in error.message
    unknown = await enter_enterprise(
        entered(admin, inst, full_name="杭州没登记过的公司", credit_code=CODE_B), org.uow, org.regions
    )
    await refused(
        org.container,
        verify_enterprise(VerifyEnterprise(admin, unknown.enterprise_id), org.uow, org.registry, org.regions),
        NotFound,
        "enterprise_not_registered",
    )
    not_configured = await refused(
        org.container,
        verify_enterprise(VerifyEnterprise(admin, unknown.enterprise_id), org.uow, None, org.regions),
        RegistryUnavailable,
        "registry_unavailable",
    )
    assert "手工录入" in not_configured.message


async def test_a_registry_lookup_by_name_confirms_an_earlier_hand_entry(org: Org) -> None:
    inst, admin = await org.institution()
    added = await enter_enterprise(entered(admin, inst), org.uow, org.regions)
    looked_up = await add_enterprise(AddEnterprise(admin, inst, XIXI), org.uow, org.registry, org.regions)
    assert (looked_up.enterprise_id, looked_up.new_enterprise) == (added.enterprise_id, False)
    async with org.container.sessionmaker() as s:
        row = await s.get(Enterprise, added.enterprise_id)
        assert row is not None and row.verification == EnterpriseVerification.VERIFIED
        assert row.entered_by_institution_id == inst and row.legal_representative == "王海燕"
    await refused(
        org.container,
        add_enterprise(AddEnterprise(admin, inst, XIXI), org.uow, org.registry, org.regions),
        Conflict,
        "enterprise_exists",
    )
