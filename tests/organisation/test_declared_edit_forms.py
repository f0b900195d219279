"""The enterprise edit and the expert's follow-up are declared once (handlers.enterprises.form,
handlers.experts.form): a rule changed there changes what the use case refuses and what the pages are served."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handlers.enterprises import update_enterprise as edit_module
from handlers.enterprises.enter_enterprise import enter_enterprise
from handlers.enterprises.form import ENTERPRISE_EDIT
from handlers.enterprises.update_enterprise import UpdateEnterprise, update_enterprise
from handlers.errors import InvalidForm, InvalidInput
from handlers.experts import add_expert_follow_up as follow_up_module
from handlers.experts.add_expert import AddExpert, add_expert
from handlers.experts.add_expert_follow_up import AddExpertFollowUp, add_expert_follow_up
from handlers.experts.form import EXPERT_FOLLOW_UP
from handlers.forms.served import describe
from handlers.institutions.create_centre import CreateCentre, create_centre
from handlers.staff.add_staff import AddStaff, add_staff
from tests.organisation.conftest import Org, refused
from tests.organisation.test_manual_enterprise import entered
from tests.policies import MEMBERSHIP


def _served(form: object, name: str) -> dict[str, object]:
    return next(f for f in describe(form)["fields"] if f["name"] == name)  # type: ignore[arg-type]


@pytest.mark.parametrize("limit", [20, 40])
async def test_the_enterprise_edit_holds_to_its_declaration(
    org: Org, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    declared = ENTERPRISE_EDIT.replace("address", max_length=limit)
    monkeypatch.setattr(edit_module, "ENTERPRISE_EDIT", declared)
    inst, admin = await org.institution()
    added = await enter_enterprise(entered(admin, inst), org.uow, org.regions)

    too_long = UpdateEnterprise(admin, added.enterprise_id, address="路" * (limit + 1))
    error = await refused(
        org.container, update_enterprise(too_long, org.uow, org.regions), InvalidInput, "field_too_long"
    )
    assert (error.message, error.field) == (f"企业地址不能超过{limit}个字", "address")
    fits = UpdateEnterprise(admin, added.enterprise_id, address="路" * limit)
    assert (await update_enterprise(fits, org.uow, org.regions)).changed == ("address",)
    assert _served(declared, "address")["max_length"] == limit
    assert describe(declared)["json_schema"]["properties"]["address"]["maxLength"] == limit
    assert describe(declared)["version"] != describe(ENTERPRISE_EDIT)["version"]


async def test_the_enterprise_edit_checks_only_what_is_sent_and_every_wrong_field(org: Org) -> None:
    inst, admin = await org.institution()
    added = await enter_enterprise(entered(admin, inst), org.uow, org.regions)
    # Nothing else sent: the other fields keep their values (none is required to be sent).
    only = UpdateEnterprise(admin, added.enterprise_id, legal_representative="王海")
    assert (await update_enterprise(only, org.uow, org.regions)).changed == ("legal_representative",)
    served = describe(ENTERPRISE_EDIT)
    assert served["partial"] is True and served["json_schema"]["required"] == []
    assert served["submit"] == {"method": "PATCH", "path": "/api/v1/enterprises/{enterprise_id}"}

    two = UpdateEnterprise(admin, added.enterprise_id, region_code="330199", address=" ")
    error = await refused(org.container, update_enterprise(two, org.uow, org.regions), InvalidForm, "invalid_form")
    assert isinstance(error, InvalidForm)
    assert [(e["field"], e["code"]) for e in error.errors] == [
        ("region_code", "invalid_region"),
        ("address", "missing_field"),
    ]
    assert (error.message, error.field) == (error.errors[0]["message"], "region_code")
    assert error.errors[1]["message"] == "请填写企业地址"


@pytest.mark.parametrize("limit", [10, 30])
async def test_the_expert_follow_up_holds_to_its_declaration(
    org: Org, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    declared = EXPERT_FOLLOW_UP.replace("content", max_length=limit)
    monkeypatch.setattr(follow_up_module, "EXPERT_FOLLOW_UP", declared)
    inst, admin = await org.institution()
    centre = await create_centre(CreateCentre(admin, inst, "钱塘分中心", "330114"), org.uow, org.regions)
    staff = await add_staff(
        AddStaff(admin, centre.centre_id, "王技转", "13600000001", "技术经纪人"), org.uow, membership=MEMBERSHIP
    )
    link = await add_expert(AddExpert(admin, inst, "钱教授", "13500000001"), org.uow)
    when = org.container.clock.now() - timedelta(hours=2)

    def follow_up(content: str, kind: str = "visit") -> AddExpertFollowUp:
        return AddExpertFollowUp(staff.account_id, link.link_id, kind, when, content)

    too_long = add_expert_follow_up(follow_up("谈" * (limit + 1)), org.uow)
    error = await refused(org.container, too_long, InvalidInput, "field_too_long")
    assert error.message == f"跟进内容不能超过{limit}个字"
    assert (await add_expert_follow_up(follow_up("谈" * limit), org.uow)).follow_up_id > 0
    assert _served(declared, "content")["max_length"] == limit
    assert describe(declared)["json_schema"]["properties"]["content"]["maxLength"] == limit

    # Two wrong fields: both, each naming its field.
    both = await refused(
        org.container, add_expert_follow_up(follow_up(" ", "dinner"), org.uow), InvalidForm, "invalid_form"
    )
    assert [(e["field"], e["code"], e["message"]) for e in both.errors] == [  # type: ignore[attr-defined]
        ("kind", "invalid_follow_up_kind", "请选择正确的跟进类型"),
        ("content", "missing_field", "请填写跟进内容"),
    ]
    served = describe(EXPERT_FOLLOW_UP)
    assert served["submit"] == {"method": "POST", "path": "/api/v1/expert-links/{link_id}/follow-ups"}
    assert [f["name"] for f in served["fields"]] == ["kind", "occurred_at", "content"]
