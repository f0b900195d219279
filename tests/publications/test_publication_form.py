"""The publication form is declared once (handlers.publications.form): a limit changed there changes what the use
case refuses and what the pages are served; several wrong fields are refused together."""

from __future__ import annotations

import pytest

from handlers.errors import InvalidForm, InvalidInput
from handlers.forms.registry import FORMS
from handlers.forms.served import describe
from handlers.publications import publish_demand as module
from handlers.publications.form import PUBLICATION
from handlers.publications.publish_demand import PublishDemand, publish_demand
from store.models.demands import DemandStatus
from tests.demands.conftest import demand_of
from tests.organisation.conftest import refused
from tests.policies import DEMANDS
from tests.publications.conftest import Market


def _publishing(market: Market, audience: str, fee: int, targets: tuple[int, ...] = ()) -> PublishDemand:
    return PublishDemand(market.publisher_admin, market.demand_id, audience, fee, targets)


async def test_the_number_of_chosen_institutions_is_the_declarations(
    market: Market, monkeypatch: pytest.MonkeyPatch
) -> None:
    declared = PUBLICATION.replace("institution_ids", max_items=1)
    monkeypatch.setattr(module, "PUBLICATION", declared)
    uow, c = market.docking.bench.org.uow, market.docking.bench.container

    two = _publishing(market, "chosen", 1000, (market.a.id, market.b.id))
    error = await refused(c, publish_demand(two, uow, DEMANDS), InvalidInput, "too_many_targets")
    assert error.message == "最多指定1家机构"
    served = {f["name"]: f for f in describe(declared)["fields"]}
    assert served["institution_ids"]["max_items"] == 1
    assert describe(declared)["json_schema"]["properties"]["institution_ids"]["maxItems"] == 1
    assert describe(PUBLICATION)["json_schema"]["properties"]["institution_ids"]["maxItems"] == 50

    await publish_demand(_publishing(market, "chosen", 1000, (market.a.id,)), uow, DEMANDS)
    assert (await demand_of(c, market.demand_id)).status == DemandStatus.PUBLISHED


async def test_several_wrong_fields_are_refused_together_the_first_on_top(market: Market) -> None:
    uow, c = market.docking.bench.org.uow, market.docking.bench.container
    wrong = _publishing(market, "chosen", 10_001)
    error = await refused(c, publish_demand(wrong, uow, DEMANDS), InvalidForm, "invalid_form")
    assert isinstance(error, InvalidForm)
    assert error.message == "指定机构公开时请至少选择一家机构"
    assert list(error.errors) == [
        {"field": "institution_ids", "code": "missing_targets", "message": "指定机构公开时请至少选择一家机构"},
        {"field": "fee_ratio_bp", "code": "fee_ratio_too_high", "message": "中介服务费比例不能超过100%"},
    ]


def test_the_served_publication_form_says_what_the_use_case_checks() -> None:
    served = describe(FORMS["publication"])
    assert served["submit"] == {"method": "POST", "path": "/api/v1/demands/{demand_id}/publication"}
    fields = {f["name"]: f for f in served["fields"]}
    assert [c["label"] for c in fields["audience"]["choices"]] == ["全公开", "指定机构公开"]
    assert fields["institution_ids"]["when"] == {"field": "audience", "in": ["chosen"]}
    fee = fields["fee_ratio_bp"]
    assert (fee["unit"], fee["scale"], fee["maximum"]) == ("%", 100, 10_000)
    assert {r["code"] for r in served["rules"]} == {"fee_ratio_too_low", "own_institution_target"}
