"""One ID number is one technology manager, also when two people submit it at the same moment: the database holds
one live record per ID number (a deleted one leaves it free), and the loser of the race is answered the field
error a sequential submission gets — never a 500."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.bootstrap import Container
from store.models.manager_registration import ManagerStatus, TechnologyManagerRegistration
from tests.api.conftest import World
from tests.organisation.conftest import Org
from tests.registration.conftest import register
from tests.registration.manager_values import id_number, valid_form
from tests.registration.test_manager_flow import Bench


async def test_two_people_racing_to_one_id_number(api: TestClient[Any, Any], org: Org, container: Container) -> None:
    b = Bench(api, org)
    await b.setup()
    tokens = [(await register(api, container, f"1370000009{n}", f"经理{n}"))["token"] for n in range(2)]
    same = id_number("11010519850505001")
    answers = await asyncio.gather(
        *(
            b.call(
                "POST",
                "/technology-manager/registration",
                token,
                json=valid_form(invitation_code=b.code, id_number=same),
            )
            for token in tokens
        )
    )
    assert sorted(status for status, _ in answers) == [201, 409]
    [(_, refused)] = [a for a in answers if a[0] == 409]
    assert refused["error"]["code"] == "id_number_registered" and refused["error"]["field"] == "id_number"
    assert refused["error"]["message"] == "该身份证号已登记为技术经理人"
    async with container.sessionmaker() as session:
        live = await session.scalars(
            select(TechnologyManagerRegistration.id).where(TechnologyManagerRegistration.id_number == same)
        )
        assert len(list(live)) == 1


async def test_the_database_holds_one_live_record_per_id_number(org: Org, container: Container) -> None:
    """Whatever route writes: a second live record of the number is refused by the database itself."""
    world = World(org)
    accounts = [await world.account(f"经理{n}", f"1370000008{n}") for n in range(3)]
    same = id_number("11010519850505002")

    async def add(account_id: int, status: ManagerStatus) -> None:
        async with container.uow() as uow:
            now = uow.clock.now()
            uow.session.add(
                TechnologyManagerRegistration(
                    account_id=account_id,
                    id_number=same,
                    name="经理",
                    values={},
                    status=status,
                    reopened=False,
                    created_at=now,
                    updated_at=now,
                )
            )
            await uow.commit()

    await add(accounts[0], ManagerStatus.DELETED)
    await add(accounts[1], ManagerStatus.PENDING)  # a deleted record leaves the number free
    with pytest.raises(IntegrityError):
        await add(accounts[2], ManagerStatus.APPROVED)
