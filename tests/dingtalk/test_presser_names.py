"""The presser's name on a decided card: asked of the sandbox DingTalk once for presses arriving together, then
kept in the shared cache; a failed lookup fails alike for everyone who waited on it (the router then shows the
userid)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.bootstrap import Container
from bot.dingtalk.client import DingTalkClient
from bot.dingtalk.errors import DingTalkError
from bot.dingtalk.names import LookupAbandoned, PresserNames
from tests.dingtalk.conftest import DingTalkWorld


def lookups(world: DingTalkWorld) -> int:
    return sum(1 for _method, path in world.state.journal if path.endswith("/topapi/v2/user/get"))


async def test_presses_arriving_together_ask_dingtalk_once(
    world: DingTalkWorld,
    client: DingTalkClient,
    container: Container,
) -> None:
    names = PresserNames(client, container.coordination)
    assert await asyncio.gather(*(names("dt-zhang") for _ in range(10))) == ["张三"] * 10
    assert lookups(world) == 1
    assert await names("dt-zhang") == "张三" and lookups(world) == 1  # from the cache now
    # Another instance shares the cache.
    assert await PresserNames(client, container.coordination)("dt-zhang") == "张三" and lookups(world) == 1


async def test_a_failed_lookup_fails_for_all_who_waited_and_is_asked_again_later(
    world: DingTalkWorld,
    client: DingTalkClient,
    container: Container,
) -> None:
    names = PresserNames(client, container.coordination)
    results = await asyncio.gather(*(names("dt-nobody") for _ in range(5)), return_exceptions=True)
    assert all(isinstance(r, DingTalkError) for r in results), results
    assert lookups(world) == 1
    with pytest.raises(DingTalkError):
        await names("dt-nobody")
    assert lookups(world) == 2  # a failure is not cached


class HeldClient:
    """The real client, held at the door until the test lets the lookup through."""

    def __init__(self, inner: DingTalkClient) -> None:
        self.inner, self.asked, self.door = inner, asyncio.Event(), asyncio.Event()

    async def user(self, user_id: str) -> dict[str, Any]:
        self.asked.set()
        await self.door.wait()
        return await self.inner.user(user_id)


async def first_asking(
    client: DingTalkClient, container: Container
) -> tuple[HeldClient, PresserNames, asyncio.Future[str]]:
    """A press asking DingTalk for 赵局长's name, held at the door."""
    held = HeldClient(client)
    names = PresserNames(held, container.coordination)
    first = asyncio.ensure_future(names("dt-zhao"))
    await held.asked.wait()
    return held, names, first


async def test_a_waiter_whose_time_runs_out_leaves_the_lookup_to_the_others(
    world: DingTalkWorld,
    client: DingTalkClient,
    container: Container,
) -> None:
    held, names, first = await first_asking(client, container)
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.05):
            await names("dt-zhao")  # waits on the first one's lookup, and gives up
    held.door.set()
    assert await first == "赵局长" and lookups(world) == 1


async def test_when_the_asking_press_gives_up_the_waiters_fall_back_instead_of_being_cancelled(
    world: DingTalkWorld,
    client: DingTalkClient,
    container: Container,
) -> None:
    _, names, first = await first_asking(client, container)
    second = asyncio.ensure_future(names("dt-zhao"))
    await asyncio.sleep(0.01)
    first.cancel()
    with pytest.raises(LookupAbandoned):
        await second
    assert first.cancelled()
