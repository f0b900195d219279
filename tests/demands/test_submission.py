"""Submission rules: who may submit, for which enterprise, the fee ratio's floors, fields, drafts, closing."""

from __future__ import annotations

from typing import Any

from handlers.demands.close_demand import CloseDemand, close_demand
from handlers.demands.fields import ATTACHMENT_PURPOSE
from handlers.demands.resubmit_demand import ResubmitDemand, resubmit_demand
from handlers.demands.submit_demand import SubmitDemand, submit_demand
from handlers.errors import Conflict, Forbidden, InvalidInput, NotFound
from store.models.demands import DemandStatus
from store.models.files import StoredFile
from tests.demands.conftest import FIELDS, Bench, demand_of, outbox, reviews_of, timeline
from tests.organisation.conftest import refused
from tests.policies import DEMANDS


async def test_fee_ratio_below_the_platform_floor_is_refused(bench: Bench) -> None:
    error = await refused(bench.container, bench.submit(fee_ratio_bp=499), InvalidInput, "fee_ratio_below_floor")
    assert error.message == "中介服务费比例不能低于平台下限5%"
    assert (await bench.submit(fee_ratio_bp=500)).status == DemandStatus.PENDING_REVIEW


async def test_fee_ratio_below_the_institution_minimum_is_refused(bench: Bench) -> None:
    async with bench.container.sessionmaker() as session, session.begin():
        from store.models.organisation import Institution

        institution = await session.get(Institution, bench.institution_id)
        assert institution is not None
        institution.min_fee_ratio_bp = 1000
    error = await refused(bench.container, bench.submit(fee_ratio_bp=800), InvalidInput, "fee_ratio_below_institution")
    assert error.message == "中介服务费比例不能低于本机构的最低比例10%"
    assert (await bench.submit(fee_ratio_bp=1000)).status == DemandStatus.PENDING_REVIEW


async def test_only_staff_submit_and_only_for_an_enterprise_they_serve(bench: Bench) -> None:
    await refused(
        bench.container,
        submit_demand(SubmitDemand(bench.admin_id, bench.enterprise_id, FIELDS), bench.org.uow, DEMANDS),
        Forbidden,
        "forbidden",
    )
    await refused(
        bench.container,
        submit_demand(SubmitDemand(bench.staff_id, 999, FIELDS), bench.org.uow, DEMANDS),
        NotFound,
        "enterprise_not_found",
    )


async def test_fields_are_checked(bench: Bench) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"title": " "}, "missing_field"),
        ({"tech_fields": ()}, "missing_field"),
        ({"tech_fields": ("99",)}, "invalid_tech_field"),
        ({"tech_fields": ("01", "02", "03", "04")}, "too_many_tech_fields"),
        ({"region_code": "999999"}, "invalid_region"),
        ({"budget_fen": -1}, "invalid_budget"),
        ({"attachment_ids": (42,)}, "attachment_not_found"),
    ]
    for changes, code in cases:
        error = InvalidInput if code != "attachment_not_found" else NotFound
        await refused(bench.container, bench.submit(**changes), error, code)


async def test_a_draft_waits_without_a_review_and_is_submitted_later(bench: Bench) -> None:
    async with bench.container.sessionmaker() as session, session.begin():
        now = bench.container.clock.now()
        file = StoredFile(
            sha256="0" * 64,
            size=10,
            kind="pdf",
            mime="application/pdf",
            purpose=ATTACHMENT_PURPOSE,
            original_name="需求说明.pdf",
            uploaded_by=f"account:{bench.staff_id}",
            created_at=now,
        )
        session.add(file)
        await session.flush()
        file_id = file.id
    draft = await bench.submit(draft=True, attachment_ids=(file_id,))
    assert draft.status == DemandStatus.DRAFT and draft.review_id is None
    assert await outbox(bench.container, "dingtalk.card") == []
    assert (await demand_of(bench.container, draft.demand_id)).attachment_ids == [file_id]
    await resubmit_demand(ResubmitDemand(bench.staff_id, draft.demand_id), bench.org.uow, DEMANDS)
    assert len(await reviews_of(bench.container, draft.demand_id)) == 1
    assert [a for a, _, _ in await timeline(bench.container, draft.demand_id)] == ["save_draft", "submit"]


async def test_closing_needs_a_reason_and_a_closed_demand_stays_closed(bench: Bench) -> None:
    draft = await bench.submit(draft=True)
    await refused(
        bench.container,
        close_demand(CloseDemand(bench.staff_id, draft.demand_id, ""), bench.org.uow),
        InvalidInput,
        "reason_required",
    )
    await close_demand(CloseDemand(bench.admin_id, draft.demand_id, "企业已自行解决"), bench.org.uow)
    assert (await demand_of(bench.container, draft.demand_id)).status == DemandStatus.CLOSED
    await refused(
        bench.container,
        resubmit_demand(ResubmitDemand(bench.staff_id, draft.demand_id), bench.org.uow, DEMANDS),
        Conflict,
        "illegal_transition",
    )
    # A colleague who sees the demand may not close it; someone who never sees demands is refused outright.
    await refused(
        bench.container,
        close_demand(CloseDemand(bench.org.admin_id, draft.demand_id, "x"), bench.org.uow),
        Forbidden,
        "forbidden",
    )
