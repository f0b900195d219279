"""The detail names the changes its reader may make now (edit, submit, withdraw, close): the owner's before
approval, the docking side's edit once in docking, the admin's close — and each one listed is accepted by its
use case, each one left out is refused by it."""

from __future__ import annotations

from typing import Any

import pytest

from handlers.demands.close_demand import CloseDemand, close_demand
from handlers.demands.get_demand import GetDemand, get_demand
from handlers.demands.resubmit_demand import ResubmitDemand, resubmit_demand
from handlers.demands.update_demand import UpdateDemand, update_demand
from handlers.demands.withdraw_demand import WithdrawDemand, withdraw_demand
from handlers.errors import DomainError
from handlers.reviews.decide_review import DecideReview, Decision
from tests.api.project_world import docking_demand
from tests.demands.conftest import FIELDS, Bench, reviews_of
from tests.demands.test_review_engine import decide
from tests.policies import DEMANDS


async def allowed(bench: Bench, account_id: int, demand_id: int) -> tuple[str, ...]:
    return (await get_demand(GetDemand(account_id, demand_id), bench.org.uow)).allowed_changes


async def attempt(bench: Bench, change: str, account_id: int, demand_id: int) -> bool:
    """Whether the use case behind `change` accepts it (an accepted change is made)."""
    calls: dict[str, Any] = {
        "edit": lambda: update_demand(UpdateDemand(account_id, demand_id, FIELDS), bench.org.uow, DEMANDS),
        "submit": lambda: resubmit_demand(ResubmitDemand(account_id, demand_id), bench.org.uow, DEMANDS),
        "withdraw": lambda: withdraw_demand(WithdrawDemand(account_id, demand_id), bench.org.uow),
        "close": lambda: close_demand(CloseDemand(account_id, demand_id, "不再需要"), bench.org.uow),
    }
    try:
        await calls[change]()
    except DomainError:
        return False
    return True


async def test_the_owner_edits_submits_withdraws_and_closes_as_the_status_allows(bench: Bench) -> None:
    draft = (await bench.submit(draft=True)).demand_id
    assert await allowed(bench, bench.staff_id, draft) == ("edit", "submit", "close")
    # The institution's admin sees the draft's detail but may only close it.
    assert await allowed(bench, bench.admin_id, draft) == ("close",)

    pending = (await bench.submit()).demand_id
    assert await allowed(bench, bench.staff_id, pending) == ("withdraw",)
    assert await allowed(bench, bench.admin_id, pending) == ()

    returned = (await bench.submit()).demand_id
    [review] = await reviews_of(bench.container, returned)
    await decide(bench, DecideReview(review.id, 0, Decision.RETURN, "请补充预算依据", userid="dt-admin"))
    assert await allowed(bench, bench.staff_id, returned) == ("edit", "submit", "close")

    docking = await docking_demand(bench.org, bench.admin_id, bench.staff_id, bench.enterprise_id)
    assert await allowed(bench, bench.staff_id, docking) == ("edit", "close")  # the docking staff edits it


@pytest.mark.parametrize("change", ["edit", "submit", "withdraw", "close"])
async def test_what_is_listed_is_accepted_and_what_is_not_is_refused(bench: Bench, change: str) -> None:
    demands = {
        "draft": (await bench.submit(draft=True)).demand_id,
        "pending": (await bench.submit()).demand_id,
        "docking": await docking_demand(bench.org, bench.admin_id, bench.staff_id, bench.enterprise_id),
    }
    for account in (bench.staff_id, bench.admin_id):
        for name, demand in demands.items():
            listed = change in await allowed(bench, account, demand)
            assert await attempt(bench, change, account, demand) == listed, (change, account, name)
