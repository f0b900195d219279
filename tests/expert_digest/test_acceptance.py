"""Issue #7's digest acceptance, end to end through the sandbox WeChat: an expert subscribes to two fields; three
demands are approved, two in those fields; at a frozen 16:00 one template message goes to the expert for the
two; a rerun sends nothing more; the next day only new demands count; an unfollowed expert gets nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from handlers.audit.verify_audit_chain import verify_audit_chain
from store.models.expert_digest import DigestRun
from store.models.wechat import WeChatFollower
from tests.expert_digest.conftest import DAY, WX, World, beijing


async def test_one_message_for_the_two_matching_demands_then_nothing_then_only_new_ones(world: World) -> None:
    qian = await world.expert("钱学者", "13912340001")
    subscribed = await world.subscribe(qian, "0101", "02")  # 软件 (a level-2 field) and 生物与新医药 (a domain)
    assert [f["code"] for f in subscribed["fields"]] == ["0101", "02"]
    in_software = await world.approved("工业软件国产化适配方案征集", "010101")  # 基础软件, under 软件
    in_bio = await world.approved("新型疫苗冷链稳定剂研发", "0203")
    await world.approved("数控机床主轴热变形补偿", "0801")  # not subscribed

    first = await world.run(beijing(DAY, 16))
    assert (first.status, first.messages, first.pairs) == ("finished", 1, 2)
    await world.drain()
    [message] = await world.inbox(qian.persona, "wechat.template")
    sent = message["data"]
    assert sent["data"]["number2"]["value"] == "2"
    assert sent["data"]["thing1"]["value"] == "新型疫苗冷链稳定剂研发等"  # the newest first
    assert all(len(v["value"]) <= 20 for v in sent["data"].values())
    [digest] = await world.digests()
    assert sent["miniprogram"]["pagepath"] == f"pages/expert/digest/index?digest={digest.id}"

    page = await world.service.client.get(f"/api/v1/expert/digests/{digest.id}", headers=qian.auth)
    assert page.status == 200
    listed = await page.json()
    assert [d["id"] for d in listed["demands"]] == [in_bio, in_software] and listed["demand_count"] == 2

    again = await world.run(beijing(DAY, 16, 5), trigger="manual")
    assert (again.messages, again.pairs) == (0, 0)
    await world.drain()
    assert len(await world.inbox(qian.persona, "wechat.template")) == 1

    world.clock.set(beijing(DAY + timedelta(days=1), 10))
    newer = await world.approved("肿瘤早筛试剂盒临床验证合作", "020101")
    nothing_new_elsewhere = await world.approved("智能仓储调度算法", "0506")
    assert nothing_new_elsewhere
    second = await world.run(beijing(DAY + timedelta(days=1), 16))
    assert (second.messages, second.pairs) == (1, 1)
    await world.drain()
    latest = await world.inbox(qian.persona, "wechat.template")
    assert len(latest) == 2
    assert {m["data"]["data"]["thing1"]["value"] for m in latest} >= {"肿瘤早筛试剂盒临床验证合作"}
    assert await world.pairs() == {(qian.expert_id, in_software), (qian.expert_id, in_bio), (qian.expert_id, newer)}
    async with world.container.sessionmaker() as session:
        runs = list(await session.scalars(select(DigestRun).order_by(DigestRun.business_date)))
    assert [(r.business_date, r.status, r.attempts, r.experts) for r in runs] == [
        (DAY, "finished", 2, 1),
        (DAY + timedelta(days=1), "finished", 1, 1),
    ]
    assert (await verify_audit_chain(world.container.uow(), world.container.anchors)).ok


async def test_an_approval_committed_after_the_run_but_stamped_before_it_arrives_the_next_day(world: World) -> None:
    qian = await world.expert("钱学者", "13912340001")
    await world.subscribe(qian, "01")
    assert (await world.run(beijing(DAY, 16))).messages == 0
    world.clock.set(beijing(DAY, 15, 59))  # its step is stamped 15:59, its commit lands after the 16:00 run
    late = await world.approved("芯片封装测试软件", "0101")
    nxt = await world.run(beijing(DAY + timedelta(days=1), 16))
    assert (nxt.messages, nxt.pairs) == (1, 1) and await world.pairs() == {(qian.expert_id, late)}


async def test_the_first_digest_covers_the_last_seven_days_only(world: World) -> None:
    qian = await world.expert("钱学者", "13912340001")
    await world.subscribe(qian, "01")
    world.clock.set(beijing(DAY - timedelta(days=8), 10))
    await world.approved("八天前的需求", "0101")
    world.clock.set(beijing(DAY - timedelta(days=6), 10))
    recent = await world.approved("六天前的需求", "0101")
    result = await world.run(beijing(DAY, 16))
    assert result.messages == 1 and await world.pairs() == {(qian.expert_id, recent)}


async def test_an_expert_who_unfollowed_gets_nothing(world: World) -> None:
    qian = await world.expert("钱学者", "13912340001")
    sun = await world.expert("孙学者", "13912340002")
    await world.subscribe(qian, "01")
    await world.subscribe(sun, "01")
    await world.service.call("POST", f"{WX}/console/unfollow", {"person_id": sun.persona.id})
    await world.approved("工业软件国产化适配方案征集", "0101")
    result = await world.run(beijing(DAY, 16))
    assert result.messages == 1
    await world.drain()
    assert len(await world.inbox(qian.persona, "wechat.template")) == 1
    assert await world.templates(sun) == [] and await world.inbox(sun.persona, "wechat.template") == []


async def test_43004_marks_the_expert_unfollowed_and_later_digests_skip_them(world: World) -> None:
    qian = await world.expert("钱学者", "13912340001")
    await world.subscribe(qian, "01")
    # The platform lost the unsubscribe push: we still believe they follow.
    await world.service.call(
        "POST", f"{WX}/__sandbox__/user", {"openid": qian.persona.wechat_openid, "subscribed": False}
    )
    first = await world.approved("工业软件国产化适配方案征集", "0101")
    assert (await world.run(beijing(DAY, 16))).messages == 1
    await world.drain()
    [row] = await world.templates(qian)
    assert row.status == "dead" and "43004" in (row.dead_reason or row.last_error or "")
    async with world.container.sessionmaker() as session:
        follower = (
            await session.scalars(select(WeChatFollower).where(WeChatFollower.openid == qian.persona.wechat_openid))
        ).one()
    assert follower.subscribed is False and follower.unfollow_reason == "43004"
    # They never saw that demand: it is not kept out of a later digest.
    assert await world.pairs() == set()
    world.clock.set(beijing(DAY + timedelta(days=1), 10))
    another = await world.approved("另一条软件需求", "0102")
    assert (await world.run(beijing(DAY + timedelta(days=1), 16))).messages == 0

    # Following again, the next digest brings both demands.
    await world.service.call("POST", f"{WX}/console/follow", {"person_id": qian.persona.id})
    world.clock.set(beijing(DAY + timedelta(days=2), 10))
    again = await world.run(beijing(DAY + timedelta(days=2), 16))
    assert (again.messages, again.pairs) == (1, 2)
    assert {demand for _, demand in await world.pairs()} == {first, another}


async def test_unfollowing_before_the_digest_went_out_lets_its_demands_come_again(world: World) -> None:
    qian = await world.expert("钱学者", "13912340001")
    await world.subscribe(qian, "01")
    await world.approved("工业软件国产化适配方案征集", "0101")
    assert (await world.run(beijing(DAY, 16))).messages == 1
    assert len(await world.pairs()) == 1
    await world.service.call("POST", f"{WX}/console/unfollow", {"person_id": qian.persona.id})
    assert await world.pairs() == set()
    await world.drain()
    assert await world.inbox(qian.persona, "wechat.template") == []  # refused: they no longer follow


async def test_a_digest_that_went_out_keeps_its_pairs_when_the_expert_leaves_later(world: World) -> None:
    qian = await world.expert("钱学者", "13912340001")
    await world.subscribe(qian, "01")
    await world.approved("工业软件国产化适配方案征集", "0101")
    await world.run(beijing(DAY, 16))
    await world.drain()
    assert len(await world.inbox(qian.persona, "wechat.template")) == 1
    await world.service.call("POST", f"{WX}/console/unfollow", {"person_id": qian.persona.id})
    assert len(await world.pairs()) == 1


async def test_the_quota_pause_stops_the_run_and_a_rerun_after_it_sends(world: World) -> None:
    qian = await world.expert("钱学者", "13912340001")
    await world.subscribe(qian, "01")
    await world.approved("工业软件国产化适配方案征集", "0101")
    until = beijing(DAY + timedelta(days=1))
    await world.container.coordination.put("paused:wechat.template", until.isoformat(), ttl_seconds=86400)
    paused = await world.run(beijing(DAY, 16))
    assert (paused.status, paused.messages) == ("paused", 0)
    await world.container.coordination.put("paused:wechat.template", beijing(DAY, 16).isoformat(), ttl_seconds=60)
    rerun = await world.run(beijing(DAY, 17), trigger="manual")
    assert (rerun.status, rerun.messages) == ("finished", 1)


async def test_the_daily_cap_sends_to_the_first_experts_and_the_rest_next_time(world: World) -> None:
    # The same service with a daily cap of one message (the digest runs read the service's container).
    policy = replace(world.container.digest_policy, daily_cap=1)
    world.service.container = replace(world.container, digest_policy=policy)
    qian = await world.expert("钱学者", "13912340001")
    sun = await world.expert("孙学者", "13912340002")
    await world.subscribe(qian, "01")
    await world.subscribe(sun, "01")
    demand = await world.approved("工业软件国产化适配方案征集", "0101")
    capped = await world.run(beijing(DAY, 16))
    assert (capped.status, capped.messages) == ("capped", 1)
    assert await world.pairs() == {(qian.expert_id, demand)}
    nxt = await world.run(beijing(DAY + timedelta(days=1), 16))
    assert nxt.messages == 1 and await world.pairs() == {(qian.expert_id, demand), (sun.expert_id, demand)}
