"""The demand form is declared once (handlers.demands.form): a limit changed there changes what the use case
refuses and what the pages are served; a draft saves incomplete and is checked fully when sent to review."""

from __future__ import annotations

import pytest

from handlers.demands import fields as demand_fields
from handlers.demands.form import DEMAND, DEMAND_EDIT
from handlers.demands.resubmit_demand import ResubmitDemand, resubmit_demand
from handlers.errors import InvalidForm, InvalidInput
from handlers.forms.served import describe
from store.models.demands import DemandStatus
from tests.demands.conftest import Bench, demand_of
from tests.organisation.conftest import refused
from tests.policies import DEMANDS


@pytest.mark.parametrize("limit", [12, 30])
async def test_the_title_limit_is_the_declarations(bench: Bench, monkeypatch: pytest.MonkeyPatch, limit: int) -> None:
    declared = DEMAND_EDIT.replace("title", max_length=limit)
    monkeypatch.setattr(demand_fields, "DEMAND_EDIT", declared)

    error = await refused(bench.container, bench.submit(title="字" * (limit + 1)), InvalidInput, "field_too_long")
    assert error.message == f"需求名称不能超过{limit}个字"
    assert (await bench.submit(title="字" * limit)).status == DemandStatus.PENDING_REVIEW
    served = describe(declared)
    assert next(f for f in served["fields"] if f["name"] == "title")["max_length"] == limit
    assert served["json_schema"]["properties"]["title"]["maxLength"] == limit


def test_the_served_demand_form_says_what_the_use_case_checks() -> None:
    served = {f["name"]: f for f in describe(DEMAND)["fields"]}
    assert served["title"]["max_length"] == demand_fields.TITLE_MAX == 100
    assert served["tech_fields"]["max_items"] == demand_fields.TECH_FIELDS_MAX == 3
    assert served["tech_fields"]["choices_source"] == "/api/v1/tech-fields"
    assert served["region_code"]["choices_source"] == "/api/v1/regions"
    fee = served["fee_ratio_bp"]
    assert (fee["unit"], fee["scale"], fee["minimum"], fee["maximum"]) == ("%", 100, 0, 10_000)
    assert served["attachment_ids"]["file"]["purpose"] == "demand_attachment"
    assert served["attachment_ids"]["upload"] == {"method": "POST", "path": "/api/v1/demand-attachments"}
    assert describe(DEMAND)["draft"] is True
    assert {r["code"] for r in describe(DEMAND)["rules"]} >= {"invalid_deadline", "fee_ratio_below_floor"}


async def test_a_draft_saves_incomplete_and_is_checked_fully_when_sent_to_review(bench: Bench) -> None:
    draft = await bench.submit(draft=True, title="", tech_fields=(), region_code="", fee_ratio_bp=0)
    assert draft.status == DemandStatus.DRAFT
    assert (await demand_of(bench.container, draft.demand_id)).title == ""

    sending = resubmit_demand(ResubmitDemand(bench.staff_id, draft.demand_id), bench.org.uow, DEMANDS)
    # Every empty field at once (invalid_form), the first one's message on top.
    error = await refused(bench.container, sending, InvalidForm, "invalid_form")
    assert isinstance(error, InvalidForm) and error.message == "请填写需求名称"
    found = {(e["field"], e["code"]) for e in error.errors}
    assert found >= {("title", "missing_field"), ("tech_fields", "missing_field")}
    # What can be stored is held even in a draft.
    await refused(bench.container, bench.submit(draft=True, title="字" * 101), InvalidInput, "field_too_long")
