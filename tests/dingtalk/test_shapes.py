"""Our request bodies and the sandbox's answers, checked against the official alibabacloud-dingtalk models.

A model keeps only the fields it knows: a body that survives from_map → to_map unchanged uses the
platform's names and nesting throughout.
"""

from __future__ import annotations

from typing import Any

from alibabacloud_dingtalk.card_1_0 import models as card  # type: ignore[import-untyped]
from alibabacloud_dingtalk.oauth2_1_0 import models as oauth2  # type: ignore[import-untyped]
from alibabacloud_dingtalk.robot_1_0 import models as robot  # type: ignore[import-untyped]
from alibabacloud_dingtalk.todo_1_0 import models as todo  # type: ignore[import-untyped]

from bot.dingtalk.client import DingTalkClient
from cards.acknowledge import ACKNOWLEDGE_CARD, NoticeView, acknowledge_card
from tests.dingtalk.conftest import DingTalkWorld


def roundtrip(model: Any, data: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = model().from_map(data).to_map()
    # Some models always emit their list fields; an empty list we never sent is not a difference.
    return {k: v for k, v in result.items() if k in data or v != []}


def sent(world: DingTalkWorld, method: str, path_end: str) -> dict[str, Any]:
    return next(body for m, path, body in reversed(world.state.bodies) if m == method and path.endswith(path_end))


async def test_token_request_and_answer(world: DingTalkWorld, client: DingTalkClient) -> None:
    await client.access_token()
    body = sent(world, "POST", "/v1.0/oauth2/accessToken")
    assert roundtrip(oauth2.GetAccessTokenRequest, body) == body
    answer = await client._send("POST", "api", "/v1.0/oauth2/accessToken", body=body, token=None)
    assert roundtrip(oauth2.GetAccessTokenResponseBody, answer) == answer


async def test_card_requests_and_answers(world: DingTalkWorld, client: DingTalkClient) -> None:
    await client.create_and_deliver_card(
        template_id=ACKNOWLEDGE_CARD.id,
        out_track_id="ack:n1:dt-zhang",
        user_id="dt-zhang",
        card_data=acknowledge_card(NoticeView("n1", "t", "c")),
        private_data={"dt-zhang": {"tip": ""}},
    )
    create = sent(world, "POST", "/v1.0/card/instances/createAndDeliver")
    assert roundtrip(card.CreateAndDeliverRequest, create) == create
    answer = await client.call(
        "POST", "api", "/v1.0/card/instances/createAndDeliver", body={**create, "outTrackId": "ack:n2:dt-zhang"}
    )  # a reused one is refused
    assert roundtrip(card.CreateAndDeliverResponseBody, answer) == answer

    await client.update_card(
        out_track_id="ack:n1:dt-zhang", card_data={"status": "x"}, private_data={"dt-zhang": {"tip": "y"}}
    )
    update = sent(world, "PUT", "/v1.0/card/instances")
    assert roundtrip(card.UpdateCardRequest, update) == update
    answer = await client.call("PUT", "api", "/v1.0/card/instances", body=update)
    assert roundtrip(card.UpdateCardResponseBody, answer) == answer


async def test_robot_batch_send(world: DingTalkWorld, client: DingTalkClient) -> None:
    await client.send_robot_messages(["dt-zhang"], "sampleText", {"content": "你好"})
    body = sent(world, "POST", "/v1.0/robot/oToMessages/batchSend")
    assert roundtrip(robot.BatchSendOTORequest, body) == body
    answer = await client.call("POST", "api", "/v1.0/robot/oToMessages/batchSend", body=body)
    assert roundtrip(robot.BatchSendOTOResponseBody, answer) == answer


async def test_todo_create_and_complete(world: DingTalkWorld, client: DingTalkClient) -> None:
    union_id = (await client.user("dt-zhang"))["unionid"]
    task_id = await client.create_todo(
        union_id=union_id, subject="审核", source_id="demand:1", detail_url="https://example.invalid/d/1", due_time_ms=1
    )
    create = sent(world, "POST", "/tasks")
    assert roundtrip(todo.CreateTodoTaskRequest, create) == create
    answer = await client.call(
        "POST", "api", f"/v1.0/todo/users/{union_id}/tasks", body=create, params={"operatorId": union_id}
    )
    assert roundtrip(todo.CreateTodoTaskResponseBody, answer) == answer

    await client.complete_todo(union_id=union_id, task_id=task_id)
    update = sent(world, "PUT", f"/tasks/{task_id}")
    assert roundtrip(todo.UpdateTodoTaskRequest, update) == update
    answer = await client.call(
        "PUT", "api", f"/v1.0/todo/users/{union_id}/tasks/{task_id}", body=update, params={"operatorId": union_id}
    )
    assert roundtrip(todo.UpdateTodoTaskResponseBody, answer) == answer
