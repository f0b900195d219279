"""Acceptance, end to end through the relay and the sandbox official account: a push to three experts sends
three template messages; the one who unfollowed (43004) is marked and never retried; each push WeChat
accepts earns the docking staff member one point; a repeat push earns nothing; a later user-block report
withdraws its point; replaying the points log gives the same totals."""

from __future__ import annotations

from sqlalchemy import select

from handlers.expert_push.push_experts import PushExperts, push_experts
from handlers.points.get_my_points import GetMyPoints, get_my_points
from handlers.points.rebuild_points import RebuildPoints, rebuild_points
from handlers.reference.regions import Regions
from sandbox.registry import SandboxBusinessRegistry
from sandbox.state import Persona
from store.models.expert_pushes import ExpertPush, ExpertPushStatus
from store.models.outbox import OutboxMessage, OutboxStatus
from store.models.wechat import WeChatFollower
from tests.demands.conftest import build_bench
from tests.expert_push.support import Desk, docking_demand
from tests.organisation.conftest import Org, make_system_admin
from tests.wechat.sandboxed import Service, service  # noqa: F401  (a fixture)

WX = "/sandbox/wechat"
EXPERTS = (
    ("p-wang", "王封装", "13900000201", "o-wang"),
    ("p-li", "李测试", "13900000202", "o-li"),
    ("p-zhou", "周已走", "13900000203", "o-zhou"),
)


async def _drain(service: Service) -> None:  # noqa: F811
    for _ in range(10):
        if await service.relay_once() == 0:
            return
    raise AssertionError("the relay kept finding work")


async def _pushes(service: Service) -> dict[int, list[ExpertPush]]:  # noqa: F811
    async with service.container.sessionmaker() as session:
        found: dict[int, list[ExpertPush]] = {}
        for push in await session.scalars(select(ExpertPush).order_by(ExpertPush.id)):
            found.setdefault(push.expert_id, []).append(push)
        return found


async def _templates_sent(service: Service) -> int:  # noqa: F811
    sent = (await service.call("GET", f"{WX}/__sandbox__/sent"))["sent"]
    return len([s for s in sent if s["kind"] == "template"])


async def test_a_push_to_three_experts_through_the_sandbox(service: Service) -> None:  # noqa: F811
    container = service.container
    policy = container.expert_push_policy
    assert policy is not None and container.sandbox is not None
    org = Org(container, Regions.load(), SandboxBusinessRegistry(), await make_system_admin(container.uow()))
    bench = await build_bench(org)
    desk = Desk(bench, await docking_demand(bench), 0, policy.app_id)
    ids: dict[str, int] = {}
    for person_id, name, mobile, openid in EXPERTS:
        container.sandbox.add_person(Persona(person_id, name, "专家", mobile, wechat_openid=openid))
        await service.call("POST", f"{WX}/console/follow", {"person_id": person_id})
        ids[person_id] = await desk.expert(name, mobile, fields=("010203",), openid=openid)
    await _drain(service)  # the invitations' QR codes and SMS
    staff = bench.staff_id

    async def points() -> int:
        return (await get_my_points(GetMyPoints(staff), org.uow)).total_points

    async def push_entries() -> list[tuple[int | None, int]]:
        entries = (await get_my_points(GetMyPoints(staff), org.uow)).entries
        return [(e.push_id, e.points) for e in sorted(entries, key=lambda e: e.entry_id) if e.push_id is not None]

    approved = await points()
    await service.call("POST", f"{WX}/console/block-templates", {"person_id": "p-li"})  # reported later
    await service.call("POST", f"{WX}/__sandbox__/user", {"openid": "o-zhou", "subscribed": False})  # push lost
    sent_before = await _templates_sent(service)

    await push_experts(PushExperts(staff, desk.demand_id, tuple(ids.values())), org.uow, policy)
    await _drain(service)
    await service.call("POST", f"{WX}/__sandbox__/flush")  # TEMPLATESENDJOBFINISH for the two accepted
    pushes = await _pushes(service)
    [wang], [li], [zhou] = pushes[ids["p-wang"]], pushes[ids["p-li"]], pushes[ids["p-zhou"]]
    assert (wang.status, li.status, zhou.status) == (
        ExpertPushStatus.DELIVERED,
        ExpertPushStatus.BLOCKED,
        ExpertPushStatus.UNFOLLOWED,
    )
    assert wang.msg_id and li.msg_id and wang.sent_at is not None and zhou.msg_id is None
    async with container.sessionmaker() as session:
        messages = {
            m.recipient: m
            for m in await session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "wechat.expert_push"))
        }
        follower = await session.scalar(select(WeChatFollower).where(WeChatFollower.openid == "o-zhou"))
    assert len(messages) == 3
    assert messages["o-wang"].status == messages["o-li"].status == OutboxStatus.SENT
    assert (messages["o-wang"].delivery_status, messages["o-li"].delivery_status) == ("delivered", "user_block")
    assert messages["o-zhou"].status == OutboxStatus.DEAD and "43004" in (messages["o-zhou"].dead_reason or "")
    assert follower is not None and not follower.subscribed and follower.unfollow_reason == "43004"
    assert await _templates_sent(service) == sent_before + 2
    # +1 for each accepted push, then the compensating entry for the blocked one.
    assert sorted(await push_entries()) == sorted([(wang.id, 1), (li.id, 1), (li.id, -1)])
    assert await points() == approved + 1
    inbox = container.sandbox.inbox["p-wang"]
    assert any(i.channel == "wechat.template" and "芯片封装良率提升" in i.body for i in inbox)

    await _drain(service)  # the unfollowed expert's message is not retried
    async with container.sessionmaker() as session:
        dead = await session.get(OutboxMessage, messages["o-zhou"].id)
    assert dead is not None and dead.status == OutboxStatus.DEAD and dead.attempts == messages["o-zhou"].attempts

    again = await push_experts(PushExperts(staff, desk.demand_id, (ids["p-wang"],)), org.uow, policy)
    assert again.items[0].repeat
    await _drain(service)
    await service.call("POST", f"{WX}/__sandbox__/flush")  # its job report, so the status no longer races it
    assert (await _pushes(service))[ids["p-wang"]][1].status == ExpertPushStatus.DELIVERED
    assert await _templates_sent(service) == sent_before + 3  # sent again
    assert await points() == approved + 1  # but earns nothing

    before = await points()
    await rebuild_points(RebuildPoints(), org.uow)
    assert await points() == before == approved + 1
