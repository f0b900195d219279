"""中介费兑付凭证: a fee below the agreed ratio × amount is recorded and flagged for the admin, never refused."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

from sqlalchemy import select

from handlers.errors import Conflict, Forbidden, InvalidInput, NotFound
from handlers.organisation.pages import PageRequest
from handlers.projects.list_projects import ListProjects, list_projects
from handlers.projects.record_fee_proof import RecordFeeProof, record_fee_proof
from store.models.audit import AuditEntry
from store.models.demands import DemandEvent
from tests.demands.conftest import outbox
from tests.follow_ups.conftest import Docking
from tests.organisation.conftest import refused
from tests.policies import DEMANDS
from tests.projects.conftest import register, upload

EXPECTED = 2_400_000  # 8 % of 300 000.00 yuan


async def proof(
    docking: Docking,
    paid_fen: int,
    actor: int | None = None,
    paid_on: date = date(2025, 9, 29),
    demand_id: int | None = None,
) -> RecordFeeProof:
    actor = docking.bench.staff_id if actor is None else actor
    return RecordFeeProof(
        actor,
        docking.demand_id if demand_id is None else demand_id,
        await upload(docking, actor, "proof"),
        paid_fen,
        paid_on,
    )


async def flagged(docking: Docking, actor: int) -> list[int]:
    page = await list_projects(ListProjects(actor, PageRequest(), flagged=True), docking.bench.org.uow)
    return [p.demand_id for p in page.items]


async def test_a_fee_below_the_agreed_ratio_is_recorded_flagged_and_told_to_the_admin(docking: Docking) -> None:
    await register(docking)
    done = await record_fee_proof(await proof(docking, EXPECTED - 1), docking.bench.org.uow, DEMANDS)
    assert (done.paid_fen, done.expected_fee_fen, done.fee_flag) == (EXPECTED - 1, EXPECTED, "below_agreed")
    [notice] = await outbox(docking.bench.container, "dingtalk.work_notice", "dt-admin")
    msg = notice.payload["msg"]
    # With the demand's page configured (the hosted workbench by default) the notice is an action card linking it.
    text = msg["markdown"]["text"] if msg["msgtype"] == "markdown" else msg["action_card"]["markdown"]
    assert "低于按约定比例 8% 计算的 24,000.00元" in text
    assert await flagged(docking, docking.bench.admin_id) == [docking.demand_id]
    everything = await list_projects(ListProjects(docking.bench.admin_id), docking.bench.org.uow)
    assert [(p.fee_flag_label, p.fee_paid_fen) for p in everything.items] == [("低于约定比例", EXPECTED - 1)]


async def test_a_fee_at_or_above_the_agreed_ratio_is_not_flagged(docking: Docking) -> None:
    await register(docking)
    done = await record_fee_proof(
        await proof(docking, EXPECTED, docking.bench.admin_id), docking.bench.org.uow, DEMANDS
    )
    assert done.fee_flag is None
    assert await outbox(docking.bench.container, "dingtalk.work_notice", "dt-admin") == []
    assert await flagged(docking, docking.bench.admin_id) == []
    again = await proof(docking, EXPECTED * 2)
    await refused(
        docking.bench.container, record_fee_proof(again, docking.bench.org.uow, DEMANDS), Conflict, "fee_proof_recorded"
    )


async def test_bad_fee_proofs_are_refused_and_change_nothing(docking: Docking) -> None:
    c, uow = docking.bench.container, docking.bench.org.uow
    await refused(c, record_fee_proof(await proof(docking, 100), uow, DEMANDS), NotFound, "project_not_found")
    await register(docking)
    await refused(c, record_fee_proof(await proof(docking, -1), uow, DEMANDS), InvalidInput, "invalid_amount")
    await refused(
        c,
        record_fee_proof(await proof(docking, 100, paid_on=date(2025, 10, 1)), uow, DEMANDS),
        InvalidInput,
        "invalid_date",
    )
    await refused(
        c,
        record_fee_proof(await proof(docking, 100, paid_on=date(2025, 9, 1)), uow, DEMANDS),
        InvalidInput,
        "invalid_date",
    )  # before the contract was signed
    await refused(
        c, record_fee_proof(await proof(docking, 100, docking.other_staff_id), uow, DEMANDS), Forbidden, "forbidden"
    )
    borrowed = await proof(docking, 100, docking.centre_admin_id)
    mine = RecordFeeProof(docking.bench.staff_id, docking.demand_id, borrowed.file_id, 100, date(2025, 9, 29))
    await refused(c, record_fee_proof(mine, uow, DEMANDS), NotFound, "file_not_found")


async def test_flagged_lists_are_scoped_to_the_institution(docking: Docking) -> None:
    await register(docking)
    await record_fee_proof(await proof(docking, 0), docking.bench.org.uow, DEMANDS)
    _, stranger = await docking.bench.org.institution(
        "宁波大学技术转移中心", "12330200470003281U", mobile="13800000031"
    )
    assert await flagged(docking, stranger) == []
    assert await flagged(docking, docking.bench.admin_id) == [docking.demand_id]


async def test_a_wrong_proof_is_corrected_with_a_reason_and_the_timeline_keeps_what_it_replaced(
    docking: Docking,
) -> None:
    c, uow = docking.bench.container, docking.bench.org.uow
    await register(docking)
    nothing_yet = replace(await proof(docking, EXPECTED), correction="金额录入有误")
    await refused(c, record_fee_proof(nothing_yet, uow, DEMANDS), Conflict, "no_fee_proof")
    first = await record_fee_proof(await proof(docking, EXPECTED - 100_000), uow, DEMANDS)
    assert first.fee_flag == "below_agreed" and not first.corrected

    # The same form sent again without a reason is a slip, not a correction.
    again = await proof(docking, EXPECTED)
    await refused(c, record_fee_proof(again, uow, DEMANDS), Conflict, "fee_proof_recorded")
    await refused(
        c, record_fee_proof(replace(again, correction="长" * 201), uow, DEMANDS), InvalidInput, "field_too_long"
    )
    corrected = await record_fee_proof(replace(again, correction="金额录入有误"), uow, DEMANDS)
    assert (corrected.paid_fen, corrected.fee_flag, corrected.corrected) == (EXPECTED, None, True)
    assert await flagged(docking, docking.bench.admin_id) == []  # no longer below the agreed ratio

    async with c.sessionmaker() as session:
        notes = list(
            await session.scalars(
                select(DemandEvent.note)
                .where(DemandEvent.demand_id == docking.demand_id, DemandEvent.action == "record_fee_proof")
                .order_by(DemandEvent.id)
            )
        )
        [audit] = (
            await session.scalars(
                select(AuditEntry)
                .where(
                    AuditEntry.aggregate_type == "demand",
                    AuditEntry.aggregate_id == str(docking.demand_id),
                    AuditEntry.action == "record_fee_proof",
                )
                .order_by(AuditEntry.seq.desc())
                .limit(1)
            )
        ).all()
    assert len(notes) == 2 and notes[1].startswith("更正兑付凭证（金额录入有误）：兑付金额 24,000.00元")
    replaced = json.loads(audit.data)["replaced"]
    assert (replaced["paid_fen"], replaced["fee_flag"]) == (EXPECTED - 100_000, "below_agreed")
