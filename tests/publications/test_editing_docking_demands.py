"""A demand in docking (对接中) or published (已公开) is edited by its docking side as the follow-ups unfold (seed 004
§五.3): each change a timeline step naming what changed, old → new, and an audit entry with the values; the fee
ratio stays as approved; after another institution accepted it, the accepting side edits and the publisher reads."""

from __future__ import annotations

import json
from dataclasses import replace

from sqlalchemy import select

from handlers.audit.verify_audit_chain import verify_audit_chain
from handlers.demands.update_demand import UpdateDemand, update_demand
from handlers.errors import Conflict, Forbidden, NotFound
from store.models.audit import AuditEntry
from store.models.demands import DemandEvent
from tests.demands.conftest import FIELDS, demand_of
from tests.follow_ups.conftest import Docking
from tests.organisation.conftest import refused
from tests.policies import DEMANDS
from tests.publications.conftest import Market

NEW_TITLE = "MEMS压力传感器晶圆级封装工艺"


async def _last_step(docking: Docking) -> DemandEvent:
    async with docking.bench.container.sessionmaker() as session:
        found = await session.scalar(
            select(DemandEvent)
            .where(DemandEvent.demand_id == docking.demand_id)
            .order_by(DemandEvent.id.desc())
            .limit(1)
        )
        assert found is not None
        return found


async def _last_entry(docking: Docking) -> AuditEntry:
    async with docking.bench.container.sessionmaker() as session:
        found = await session.scalar(
            select(AuditEntry)
            .where(AuditEntry.aggregate_type == "demand", AuditEntry.aggregate_id == str(docking.demand_id))
            .order_by(AuditEntry.seq.desc())
            .limit(1)
        )
        assert found is not None
        return found


async def test_the_docking_staff_edits_and_the_timeline_says_what_changed(docking: Docking) -> None:
    bench, uow = docking.bench, docking.bench.org.uow
    fields = replace(FIELDS, title=NEW_TITLE, budget_fen=80_000_000, tech_fields=("0101", "0102"))
    updated = await update_demand(UpdateDemand(bench.staff_id, docking.demand_id, fields), uow, DEMANDS)
    assert updated.changed == ("title", "tech_fields", "budget_fen")
    demand = await demand_of(bench.container, docking.demand_id)
    assert (demand.status, demand.title, demand.budget_fen) == ("docking", NEW_TITLE, 80_000_000)

    last = await _last_step(docking)
    assert (last.action, last.from_status, last.to_status, last.actor_name) == ("edit", "docking", "docking", "张三")
    assert last.note == (
        f"需求名称：{FIELDS.title} → {NEW_TITLE}；技术领域：软件 → 软件、微电子技术；预算：500,000.00元 → 800,000.00元"
    )
    entry = await _last_entry(docking)
    assert entry.action == "edit"
    assert json.loads(entry.data)["changes"]["budget_fen"] == {"from": 50_000_000, "to": 80_000_000}
    assert (await verify_audit_chain(uow, bench.container.anchors)).ok

    # The same fields again change nothing: no step.
    again = await update_demand(UpdateDemand(bench.staff_id, docking.demand_id, fields), uow, DEMANDS)
    assert again.changed == () and (await _last_step(docking)).id == last.id
    # The docking centre's admin edits too.
    await update_demand(
        UpdateDemand(docking.centre_admin_id, docking.demand_id, replace(fields, expected_result="良率提升到98%以上")),
        uow,
        DEMANDS,
    )
    assert (await _last_step(docking)).note == "预期效果：良率提升到95%以上 → 良率提升到98%以上"


async def test_the_fee_ratio_stays_and_others_may_not_edit(docking: Docking, market: Market) -> None:
    bench, uow = docking.bench, docking.bench.org.uow
    error = await refused(
        bench.container,
        update_demand(
            UpdateDemand(bench.staff_id, docking.demand_id, replace(FIELDS, fee_ratio_bp=1200)), uow, DEMANDS
        ),
        Conflict,
        "fee_ratio_locked",
    )
    assert error.message == "对接中的需求不能修改中介服务费比例"
    # A colleague of the centre who does not dock it is refused; another institution's staff learns nothing.
    await refused(
        bench.container,
        update_demand(UpdateDemand(docking.other_staff_id, docking.demand_id, FIELDS), uow, DEMANDS),
        Forbidden,
        "forbidden",
    )
    await refused(
        bench.container,
        update_demand(UpdateDemand(market.a.staff, docking.demand_id, FIELDS), uow, DEMANDS),
        NotFound,
        "not_found",
    )


async def test_after_acceptance_the_accepting_side_edits_and_the_publisher_reads(
    docking: Docking, market: Market
) -> None:
    bench, uow = docking.bench, docking.bench.org.uow
    publication = await market.publish()
    # Published and still offered: the publisher's docking staff edits.
    await update_demand(UpdateDemand(bench.staff_id, docking.demand_id, replace(FIELDS, title=NEW_TITLE)), uow, DEMANDS)
    assert (await _last_step(docking)).from_status == "published"
    await market.accept(market.a, publication)
    edited = replace(FIELDS, title=NEW_TITLE, description="需要晶圆级封装方案。")
    await refused(
        bench.container,
        update_demand(UpdateDemand(bench.staff_id, docking.demand_id, edited), uow, DEMANDS),
        Forbidden,
        "forbidden",
    )
    await update_demand(UpdateDemand(market.a.staff, docking.demand_id, edited), uow, DEMANDS)
    last = await _last_step(docking)
    assert (last.actor_name, last.note) == ("技转31", f"需求描述：{FIELDS.description} → 需要晶圆级封装方案。")
