"""Our OpenAPI client against the sandbox DingTalk: tokens, retries, errors and every call we use."""

from __future__ import annotations

import pytest

from bot.bootstrap import Container
from bot.dingtalk.client import DingTalkClient
from bot.dingtalk.errors import DingTalkError, DingTalkThrottled, DingTalkTokenInvalid
from cards.acknowledge import ACKNOWLEDGE_CARD, NoticeView, acknowledge_card
from sandbox.dingtalk.state import Fault
from tests.dingtalk.conftest import DingTalkWorld


def backoffs(world: DingTalkWorld) -> list[float]:
    """Sleeps for retry backoff, leaving out the 50 ms pacing waits of the per-app budget."""
    return [s for s in world.slept if s >= 0.5]


def token_calls(world: DingTalkWorld) -> int:
    return sum(1 for _method, path in world.state.journal if path.endswith("/v1.0/oauth2/accessToken"))


async def test_token_is_fetched_once_and_shared(world: DingTalkWorld, client: DingTalkClient) -> None:
    await client.user("dt-zhang")
    await client.user("dt-zhao")
    assert token_calls(world) == 1


async def test_expired_token_is_refetched_once(world: DingTalkWorld, client: DingTalkClient) -> None:
    await client.user("dt-zhang")
    world.state.faults.append(Fault("token_expired", 1))
    user = await client.user("dt-zhang")
    assert user["name"] == "张三"
    assert token_calls(world) == 2

    world.state.faults.append(Fault("token_expired", 2))
    with pytest.raises(DingTalkTokenInvalid):
        await client.user("dt-zhang")
    assert token_calls(world) == 3  # one refetch, then give up rather than loop


@pytest.mark.parametrize("kind", ["429", "90002", "90018", "500", "html"])
async def test_throttling_and_server_errors_are_retried_with_backoff(
    world: DingTalkWorld, client: DingTalkClient, kind: str
) -> None:
    await client.user("dt-zhang")
    world.state.faults.append(Fault(kind, 2, path="/user/get"))
    assert (await client.user("dt-zhang"))["userid"] == "dt-zhang"
    assert backoffs(world) == [0.5, 1.0]


async def test_retries_are_bounded(world: DingTalkWorld, client: DingTalkClient) -> None:
    world.state.faults.append(Fault("90002", 100, path="/user/get"))
    with pytest.raises(DingTalkThrottled):
        await client.user("dt-zhang")
    assert len(backoffs(world)) == client.settings.max_retries


async def test_client_errors_are_not_retried(world: DingTalkWorld, client: DingTalkClient) -> None:
    with pytest.raises(DingTalkError) as raised:
        await client.user("nobody")
    assert raised.value.code == "60121"
    assert backoffs(world) == []


async def test_calls_are_paced_to_the_app_budget(world: DingTalkWorld, client: DingTalkClient) -> None:
    for _ in range(5):
        await client.user("dt-zhang")
    # 20 calls/s per app: with the clock standing still every call after the first waits 50 ms.
    assert [round(s, 3) for s in world.slept] == [0.05] * 4


async def test_card_is_created_delivered_and_updated(world: DingTalkWorld, client: DingTalkClient) -> None:
    data = acknowledge_card(NoticeView("n1", "会议通知", "周五下午三点开会"))
    result = await client.create_and_deliver_card(
        template_id=ACKNOWLEDGE_CARD.id, out_track_id="ack:n1:dt-zhang", user_id="dt-zhang", card_data=data
    )
    assert result.success and result.space_id == "dtv1.card//IM_ROBOT.dt-zhang"
    card = world.state.cards["ack:n1:dt-zhang"]
    assert card.callback_type == "STREAM"
    [item] = world.sandbox.inbox["staff"]
    assert item.title == "会议通知" and "待确认" in item.body
    assert [a["label"] for a in item.actions] == ["确认收到"]

    await client.update_card(out_track_id="ack:n1:dt-zhang", card_data={"status": "已确认", "acknowledged": "true"})
    assert "已确认" in item.body and item.actions == []


async def test_card_with_a_non_string_variable_is_rejected(world: DingTalkWorld, client: DingTalkClient) -> None:
    data: dict[str, object] = {**acknowledge_card(NoticeView("n1", "t", "c")), "notice_id": 1}
    with pytest.raises(DingTalkError) as raised:
        await client.create_and_deliver_card(
            template_id=ACKNOWLEDGE_CARD.id,
            out_track_id="x",
            user_id="dt-zhang",
            card_data=data,  # type: ignore[arg-type]
        )
    assert raised.value.status == 400 and "notice_id" in raised.value.message
    assert world.state.cards == {}


async def test_same_work_notice_twice_a_day_is_silently_dropped_by_dingtalk(
    world: DingTalkWorld, client: DingTalkClient
) -> None:
    msg = {"msgtype": "text", "text": {"content": "请处理需求"}}
    first = await client.send_work_notice(["dt-zhang"], msg)
    second = await client.send_work_notice(["dt-zhang"], msg)
    assert len(world.sandbox.inbox["staff"]) == 1  # both calls "succeeded"
    assert (await client.work_notice_result(first))["unread_user_id_list"] == ["dt-zhang"]
    assert (await client.work_notice_result(second))["forbidden_list"][0]["code"] == "143106"


async def test_robot_messages_go_in_chunks_of_twenty(world: DingTalkWorld, client: DingTalkClient) -> None:
    users = ["dt-zhang", "dt-zhao"] + [f"ghost-{i}" for i in range(40)]
    results = await client.send_robot_messages(users, "sampleText", {"content": "你好"})
    assert len(results) == 3
    assert sum(len(r.invalid) for r in results) == 40
    assert [i.body for i in world.sandbox.inbox["official"]] == ["你好"]


async def test_todo_is_created_and_completed(world: DingTalkWorld, client: DingTalkClient) -> None:
    union_id = (await client.user("dt-zhang"))["unionid"]
    task_id = await client.create_todo(
        union_id=union_id, subject="审核需求 #12", source_id="demand:12", description="请在两个工作日内审核"
    )
    [item] = world.sandbox.inbox["staff"]
    assert item.title == "待办 · 审核需求 #12" and "未完成" in item.body
    await client.complete_todo(union_id=union_id, task_id=task_id)
    assert world.state.todos[task_id]["done"] is True and "已完成" in item.body


async def test_login_free_code_works_once(world: DingTalkWorld, client: DingTalkClient) -> None:
    async with client.http.post(f"{world.base_url}/_fake/authcodes", json={"userId": "dt-zhang"}) as response:
        code = (await response.json())["code"]
    assert (await client.user_by_auth_code(code))["userid"] == "dt-zhang"
    with pytest.raises(DingTalkError) as raised:
        await client.user_by_auth_code(code)
    assert raised.value.code == "40078"


async def test_user_lookup_and_creation_with_join_invitation(world: DingTalkWorld, client: DingTalkClient) -> None:
    assert await client.user_id_by_mobile("13800000004") == "dt-zhang"
    assert await client.user_id_by_mobile("13800000009") is None
    userid = await client.create_user(name="孙丽", mobile="13800000009")
    assert await client.user_id_by_mobile("13800000009") == userid
    [invite] = world.sandbox.inbox["newcomer"]
    assert invite.title == "钉钉 · 邀请你加入组织"
    assert invite.actions[0]["label"] == "同意" and invite.actions[0]["body"] == {"userId": userid}
    assert (await client.user(userid))["active"] is False


async def test_timeouts_are_not_repeated_by_the_client(world: DingTalkWorld, client: DingTalkClient) -> None:
    from bot.dingtalk.errors import DingTalkUnreachable

    await client.user("dt-zhang")
    await world.server.close()  # DingTalk unreachable: the call may or may not have landed
    with pytest.raises(DingTalkUnreachable) as raised:
        await client.send_work_notice(["dt-zhang"], {"msgtype": "text", "text": {"content": "x"}})
    assert raised.value.transient and backoffs(world) == []


async def test_sandbox_enforces_the_per_api_rate_and_our_pacing_stays_under_it(
    world: DingTalkWorld, client: DingTalkClient, container: Container
) -> None:
    for _ in range(30):
        await client.user("dt-zhang")  # paced: 20 per second of our clock
    assert backoffs(world) == []

    unpaced = DingTalkClient(
        container.http,
        world.settings().model_copy(update={"app_calls_per_second": 1e9}),
        container.coordination,
        client.clock,
        sleep=client.sleep,
        jitter=lambda: 1.0,
    )
    world.state.recent_calls.clear()
    for _ in range(20):
        await unpaced.user("dt-zhang")
    # The 21st within one second is throttled (90018) and retried with backoff until the second has passed.
    assert (await unpaced.user("dt-zhang"))["userid"] == "dt-zhang"
    assert backoffs(world) == [0.5, 1.0]


@pytest.mark.parametrize("kind", ["500_after_acting", "-1", "html"])
async def test_calls_that_create_things_are_not_repeated_after_an_ambiguous_failure(
    world: DingTalkWorld, client: DingTalkClient, kind: str
) -> None:
    from bot.dingtalk.errors import DingTalkError

    union_id = (await client.user("dt-zhang"))["unionid"]
    world.state.faults.append(Fault(kind, 1, path="/tasks"))
    with pytest.raises(DingTalkError) as raised:
        await client.create_todo(union_id=union_id, subject="审核需求 D-12", source_id="demand:12")
    assert raised.value.transient  # the relay tries again later, and decides
    assert backoffs(world) == []
    assert len(world.state.todos) == (1 if kind == "500_after_acting" else 0)  # never a second one


@pytest.mark.parametrize("kind", ["429", "90002", "90018"])
async def test_calls_that_create_things_are_repeated_when_turned_away_at_the_door(
    world: DingTalkWorld, client: DingTalkClient, kind: str
) -> None:
    world.state.faults.append(Fault(kind, 2, path="asyncsend"))
    await client.send_work_notice(["dt-zhang"], {"msgtype": "text", "text": {"content": "x"}})
    assert backoffs(world) == [0.5, 1.0]
    assert len(world.state.work_notices) == 1


async def test_creating_a_user_again_after_a_lost_answer_finds_the_one_created(
    world: DingTalkWorld, client: DingTalkClient
) -> None:
    from bot.dingtalk.errors import DingTalkServerError

    world.state.faults.append(Fault("500_after_acting", 1, path="/user/create"))
    with pytest.raises(DingTalkServerError):
        await client.create_user(name="孙丽", mobile="13800000009")
    created = await client.user_id_by_mobile("13800000009")
    assert created is not None
    # The relay's next attempt meets 60104 (mobile already in the org) and takes the existing member.
    assert await client.create_user(name="孙丽", mobile="13800000009") == created
    assert len(world.sandbox.inbox["newcomer"]) == 1
