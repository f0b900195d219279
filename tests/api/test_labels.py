"""Codes read by people come with their Chinese label: a follow-up's kind (the follow-up form's own choice labels,
the same the form serves), an expert push's status, a demand's status and each step of its timeline, and a
membership invitation's state."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from handlers.demands.states import LABELS, Step
from handlers.demands.step_labels import STEP_LABELS
from handlers.expert_push.status_labels import STATUS_LABELS
from handlers.experts.add_expert import AddExpert, add_expert
from handlers.experts.add_expert_follow_up import AddExpertFollowUp, add_expert_follow_up
from handlers.follow_ups.add_follow_up import AddDemandFollowUp, add_demand_follow_up
from handlers.membership.labels import PLATFORM_LABELS
from handlers.membership.labels import STATUS_LABELS as INVITATION_LABELS
from store.models.demands import DemandStatus
from store.models.expert_pushes import ExpertPushStatus
from store.models.membership import InvitationStatus, PlatformState
from tests.api.conftest import World, api, bearer  # noqa: F401  (a fixture)
from tests.api.project_world import docking_demand
from tests.demands.conftest import build_bench
from tests.organisation.conftest import Org


async def test_each_follow_up_carries_the_label_its_form_offers(api: TestClient[Any, Any], org: Org) -> None:  # noqa: F811
    bench = await build_bench(org)
    demand = await docking_demand(org, bench.admin_id, bench.staff_id, bench.enterprise_id)
    staff = bearer(await World(org).token(bench.staff_id))
    form = await (await api.get("/api/v1/forms/follow_up", headers=staff)).json()
    choices = {c["value"]: c["label"] for c in next(f for f in form["fields"] if f["name"] == "kind")["choices"]}
    assert choices["visit"] == "走访" and choices["phone"] == "电话"
    when = bench.container.clock.now() - timedelta(hours=len(choices) + 1)
    for n, kind in enumerate(choices):
        cmd = AddDemandFollowUp(bench.staff_id, demand, kind, when + timedelta(hours=n), f"跟进{n}", ())
        await add_demand_follow_up(cmd, org.uow)

    listed = await (await api.get(f"/api/v1/demands/{demand}/follow-ups", headers=staff)).json()
    assert {(f["kind"], f["kind_label"]) for f in listed["items"]} == set(choices.items())


async def test_an_experts_follow_ups_carry_their_kind_label(api: TestClient[Any, Any], org: Org) -> None:  # noqa: F811
    bench = await build_bench(org)
    added = await add_expert(AddExpert(bench.admin_id, bench.institution_id, "钱教授", "13500000001"), org.uow)
    when = bench.container.clock.now() - timedelta(hours=1)
    await add_expert_follow_up(AddExpertFollowUp(bench.staff_id, added.link_id, "online", when, "视频沟通"), org.uow)
    staff = bearer(await World(org).token(bench.staff_id))
    page = await (await api.get(f"/api/v1/experts/{added.expert_id}", headers=staff)).json()
    [link] = page["links"]
    assert [(f["kind"], f["kind_label"]) for f in link["follow_ups"]] == [("online", "线上")]


async def test_every_push_status_has_a_label() -> None:
    assert set(STATUS_LABELS) == set(ExpertPushStatus)
    assert all(label and not label.isascii() for label in STATUS_LABELS.values())


async def test_every_demand_status_step_and_invitation_state_has_a_label() -> None:
    for labels, codes in (
        (LABELS, DemandStatus),
        (STEP_LABELS, Step),
        (INVITATION_LABELS, InvitationStatus),
        (PLATFORM_LABELS, PlatformState),
    ):
        assert set(labels) == set(codes)
        assert all(label and not label.isascii() for label in labels.values())


async def test_demand_statuses_are_served_in_order_with_their_names(api: TestClient[Any, Any]) -> None:  # noqa: F811
    served = await (await api.get("/api/v1/demand-statuses")).json()
    assert [(s["value"], s["label"]) for s in served["items"]] == [(str(s), LABELS[s]) for s in DemandStatus]
    assert ("docking", "对接中") in [(s["value"], s["label"]) for s in served["items"]]


async def test_a_demands_timeline_names_each_step_and_status(api: TestClient[Any, Any], org: Org) -> None:  # noqa: F811
    bench = await build_bench(org)
    demand = await docking_demand(org, bench.admin_id, bench.staff_id, bench.enterprise_id)
    staff = bearer(await World(org).token(bench.staff_id))
    detail = await (await api.get(f"/api/v1/demands/{demand}", headers=staff)).json()
    named = [(s["action_label"], s["from_status_label"], s["to_status_label"]) for s in detail["timeline"]]
    assert named == [("提交审核", None, "待审核"), ("审核通过", "待审核", "对接中")]
