"""The detail names the docking work its reader may open now (跟进记录, 推送专家, 项目登记, 公开需求, 变更对接人员,
项目信息, 中介费凭证) by the status and the right each use case checks: the docking staff member pushes and
registers, the institution's admin publishes, nobody works on a demand before it is docking, and once completed
the project and its fee proof."""

from __future__ import annotations

from handlers.demands.get_demand import GetDemand, get_demand
from handlers.errors import DomainError, Forbidden
from handlers.expert_push.push_experts import PushExperts, push_experts
from tests.api.project_world import docking_demand, registered_demand
from tests.demands.conftest import Bench
from tests.expert_push.support import POLICY as EXPERT_PUSH


async def actions(bench: Bench, account_id: int, demand_id: int) -> tuple[str, ...]:
    return (await get_demand(GetDemand(account_id, demand_id), bench.org.uow)).allowed_actions


async def test_each_reader_is_offered_the_docking_work_the_use_cases_allow(bench: Bench) -> None:
    pending = (await bench.submit()).demand_id
    assert await actions(bench, bench.staff_id, pending) == ()
    assert await actions(bench, bench.admin_id, pending) == ()

    docking = await docking_demand(bench.org, bench.admin_id, bench.staff_id, bench.enterprise_id)
    assert await actions(bench, bench.staff_id, docking) == ("follow_ups", "push_experts", "register_project")
    # The institution's admin publishes and may register, but pushing is the docking side's (push_experts says so).
    assert await actions(bench, bench.admin_id, docking) == ("follow_ups", "register_project", "publish")

    completed = await registered_demand(bench.org, bench.admin_id, bench.staff_id, bench.enterprise_id)
    assert await actions(bench, bench.staff_id, completed) == ("project", "fee_proof")
    assert await actions(bench, bench.admin_id, completed) == ("project", "fee_proof")


async def test_push_experts_left_out_is_refused_by_its_use_case(bench: Bench) -> None:
    docking = await docking_demand(bench.org, bench.admin_id, bench.staff_id, bench.enterprise_id)
    assert "push_experts" not in await actions(bench, bench.admin_id, docking)
    try:
        await push_experts(PushExperts(bench.admin_id, docking, (1,)), bench.org.uow, EXPERT_PUSH)
    except Forbidden:
        pass
    except DomainError as err:  # pragma: no cover - the right is checked before the experts
        raise AssertionError(f"refused for another reason: {err}") from err
    else:
        raise AssertionError("the admin pushed a demand the detail did not offer him")
