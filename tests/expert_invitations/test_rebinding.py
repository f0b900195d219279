"""Who else binds the mini-program by phone: enterprise contacts with a mobile, and an expert whose number an
admin corrected (the old binding was proven against the old number, so it is dropped and made again)."""

from __future__ import annotations

from sqlalchemy import select

from handlers.auth.bind_mini_program import BindMiniProgram, bind_mini_program
from handlers.auth.correct_mobile import CorrectMobile, correct_mobile
from handlers.auth.errors import AccountNotFound
from handlers.enterprises.add_enterprise import AddEnterprise, add_enterprise
from handlers.enterprises.add_enterprise_contact import AddEnterpriseContact, add_enterprise_contact
from handlers.experts.add_expert import AddExpert, add_expert
from store.models.auth import MiniProgramBinding
from store.models.organisation import AccountRole, Role
from store.models.organisation_people import EnterpriseContact
from tests.expert_invitations.test_bind import Phones, _pending
from tests.organisation.conftest import Org, refused

CLOUD = "杭州云栖智能传感科技有限公司"


async def test_an_enterprise_contact_with_a_mobile_binds_a_landline_contact_has_no_account(org: Org) -> None:
    inst, admin = await org.institution()
    ent = await add_enterprise(AddEnterprise(admin, inst, CLOUD), org.uow, org.registry, org.regions)
    mobile = await add_enterprise_contact(
        AddEnterpriseContact(admin, ent.enterprise_id, "刘经理", "总经理", "13912340001"), org.uow
    )
    landline = await add_enterprise_contact(
        AddEnterpriseContact(admin, ent.enterprise_id, "前台", "行政", "0571-87654321"), org.uow
    )
    async with org.container.sessionmaker() as s:
        with_mobile = await s.get_one(EnterpriseContact, mobile.contact_id)
        assert (await s.get_one(EnterpriseContact, landline.contact_id)).account_id is None
        roles = (
            await s.execute(
                select(AccountRole.role, AccountRole.scope_key).where(AccountRole.account_id == with_mobile.account_id)
            )
        ).all()
    assert roles == [(Role.ENTERPRISE_CONTACT, f"enterprise:{ent.enterprise_id}")]

    issued = await bind_mini_program(BindMiniProgram(await _pending(org), "p1"), org.uow, Phones({"p1": "13912340001"}))
    assert issued.account_id == with_mobile.account_id


async def test_an_expert_whose_number_was_corrected_binds_again_with_the_new_one(org: Org) -> None:
    inst, admin = await org.institution()
    expert = await add_expert(AddExpert(admin, inst, "钱学者", "13912345678"), org.uow)
    await bind_mini_program(BindMiniProgram(await _pending(org), "p1"), org.uow, Phones({"p1": "13912345678"}))

    await correct_mobile(CorrectMobile(admin, expert.account_id, "13912349999", "专家换号"), org.uow)
    async with org.container.sessionmaker() as s:
        assert await s.scalar(select(MiniProgramBinding.id)) is None  # proven against the old number
    # WeChat still authorises the old number: refused, nothing bound.
    await refused(
        org.container,
        bind_mini_program(
            BindMiniProgram(await _pending(org, "mini-o-2"), "p2"), org.uow, Phones({"p2": "13912345678"})
        ),
        AccountNotFound,
        "account_not_found",
    )
    again = await bind_mini_program(
        BindMiniProgram(await _pending(org, "mini-o-3"), "p3"), org.uow, Phones({"p3": "13912349999"})
    )
    assert again.account_id == expert.account_id
