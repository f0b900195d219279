"""Our async DingTalk OpenAPI client: one shared token, typed errors, bounded retries with backoff.

The SDK's own HTTP helpers are synchronous and block the loop, so every OpenAPI call goes through here.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import aiohttp

from bot.coordination import Coordination
from bot.dingtalk.errors import (
    MOBILE_TAKEN,
    USER_NOT_FOUND,
    DingTalkError,
    DingTalkThrottled,
    DingTalkTokenInvalid,
    DingTalkUnreachable,
    classify,
    refused_before_acting,
)
from bot.settings import DingTalkSettings
from handlers.clock import Clock

log = logging.getLogger(__name__)

Base = Literal["api", "oapi"]
Sleep = Callable[[float], Awaitable[None]]
ROBOT_BATCH = 20  # oToMessages/batchSend takes at most 20 userIds per call


def robot_space(user_id: str) -> str:
    """The open space id of the 1:1 chat between our robot and a user."""
    return f"dtv1.card//IM_ROBOT.{user_id}"


def delivery_for(user_id: str, results: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The entry of createAndDeliver's deliverResults that tells whether the card reached `user_id`'s robot chat.

    We ask for one space, so each entry is judged on its own `success` and `errorMsg`. An entry names its space as
    the open space id we sent (`dtv1.card//IM_ROBOT.<userid>`), as the bare userid, or not at all: an entry naming
    our user in either form is ours, one naming nobody is taken as ours, one naming another space is not."""
    space = robot_space(user_id)
    named = [r for r in results if isinstance(r, dict) and str(r.get("spaceId") or "") in (space, user_id)]
    unnamed = [r for r in results if isinstance(r, dict) and not r.get("spaceId")]
    candidates = named or unnamed
    if not candidates:
        return {"success": False, "errorMsg": "no delivery result for the robot chat"}
    return next((r for r in candidates if r.get("success") is True), candidates[0])


@dataclass(frozen=True)
class DeliverResult:
    out_track_id: str
    space_id: str
    success: bool
    error: str | None
    carrier_id: str | None


@dataclass(frozen=True)
class RobotSendResult:
    process_query_key: str | None
    invalid: list[str]
    flow_controlled: list[str]


class DingTalkClient:
    def __init__(
        self,
        http: aiohttp.ClientSession,
        settings: DingTalkSettings,
        coordination: Coordination,
        clock: Clock,
        *,
        sleep: Sleep | None = None,
        jitter: Callable[[], float] = lambda: random.uniform(0.8, 1.2),
    ) -> None:
        self.http = http
        self.settings = settings
        self.coordination = coordination
        self.clock = clock
        self.sleep: Sleep = sleep or clock.sleep
        self.jitter = jitter
        self._bases: dict[Base, str] = {
            "api": settings.api_base_url.rstrip("/"),
            "oapi": settings.oapi_base_url.rstrip("/"),
        }

    # --- plumbing ---------------------------------------------------------------------------------

    @property
    def _token_name(self) -> str:
        return f"dingtalk:{self.settings.client_id}"

    async def access_token(self) -> str:
        return await self.coordination.shared_token(self._token_name, self._fetch_token, margin_seconds=0.0)

    async def _fetch_token(self) -> tuple[str, float]:
        body = {"appKey": self.settings.client_id, "appSecret": self.settings.client_secret.get_secret_value()}
        data = await self._send("POST", "api", "/v1.0/oauth2/accessToken", body=body, token=None)
        expires_in = float(data.get("expireIn", 7200))
        return str(data["accessToken"]), min(expires_in, self.settings.token_cache_seconds)

    async def call(
        self,
        method: str,
        base: Base,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
        idempotent: bool = True,
    ) -> dict[str, Any]:
        """One authenticated call with retries on throttling and 5xx, and one token refetch.

        A call that creates something (`idempotent=False`) is repeated only when DingTalk certainly did
        not act on it (throttling, a rejected token); after a 5xx or errcode -1 it may already have, and a
        second to-do or notice would follow, so the relay decides instead."""
        refetched = False
        attempt = 0
        while True:
            token = await self.access_token()
            await self._pace()
            try:
                return await self._send(method, base, path, body=body, params=params, token=token)
            except DingTalkTokenInvalid:
                if refetched:
                    raise
                refetched = True
                log.info("dingtalk token rejected; fetching a new one", extra={"path": path})
                await self.coordination.invalidate_token(self._token_name, token)
            except DingTalkError as exc:
                if not exc.retryable or attempt >= self.settings.max_retries:
                    raise
                if not idempotent and not refused_before_acting(exc):
                    raise
                delay = self._backoff(attempt, exc)
                attempt += 1
                log.warning("dingtalk call retried", extra={"path": path, "error": str(exc), "delay": delay})
                await self.sleep(delay)

    def _backoff(self, attempt: int, exc: DingTalkError) -> float:
        if isinstance(exc, DingTalkThrottled) and exc.retry_after is not None:
            return min(exc.retry_after, self.settings.retry_max_seconds)
        delay = self.settings.retry_base_seconds * (2**attempt) * self.jitter()
        return float(min(delay, self.settings.retry_max_seconds))

    async def _pace(self) -> None:
        while (
            wait := await self.coordination.rate_wait(
                f"dingtalk:app:{self.settings.client_id}",
                per_second=self.settings.app_calls_per_second,
                now=self.clock.now(),
            )
        ) > 0:
            await self.sleep(wait)

    async def _send(
        self,
        method: str,
        base: Base,
        path: str,
        *,
        body: dict[str, Any] | None,
        token: str | None,
        params: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        query = dict(params or {})
        headers = {"Accept": "application/json"}
        if token is not None:
            if base == "oapi":
                query["access_token"] = token
            else:
                headers["x-acs-dingtalk-access-token"] = token
        url = self._bases[base] + path
        timeout = aiohttp.ClientTimeout(total=self.settings.request_timeout_seconds)
        try:
            async with self.http.request(
                method, url, json=body, params=query, headers=headers, timeout=timeout
            ) as response:
                raw = await response.text()
                status = response.status
                content_type = response.headers.get("Content-Type", "")
                retry_after = _seconds(response.headers.get("Retry-After"))
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise DingTalkUnreachable(0, "unreachable", f"{type(exc).__name__}: {exc}") from exc
        parsed: object
        try:
            parsed = json.loads(raw) if raw else {}
        except ValueError:
            parsed = None
        error = classify(status, parsed, content_type=content_type, retry_after=retry_after)
        if error is not None:
            raise error
        assert isinstance(parsed, dict)
        return parsed

    # --- cards --------------------------------------------------------------------------------------

    async def create_and_deliver_card(
        self,
        *,
        template_id: str,
        out_track_id: str,
        user_id: str,
        card_data: dict[str, str],
        private_data: dict[str, dict[str, str]] | None = None,
    ) -> DeliverResult:
        """Create an advanced card with Stream callbacks and put it in the user's chat with our robot."""
        body: dict[str, Any] = {
            "cardTemplateId": template_id,
            "outTrackId": out_track_id,
            "callbackType": "STREAM",
            "cardData": {"cardParamMap": card_data},
            "openSpaceId": robot_space(user_id),
            "imRobotOpenSpaceModel": {"supportForward": False},
            "imRobotOpenDeliverModel": {"spaceType": "IM_ROBOT", "robotCode": self.settings.robot},
            "userIdType": 1,
        }
        if private_data:
            body["privateData"] = {uid: {"cardParamMap": params} for uid, params in private_data.items()}
        # Not repeated in-client after a 5xx: the card may exist by then, and a repeat would meet the
        # reused outTrackId; the card channel settles that on the relay's next attempt.
        data = await self.call("POST", "api", "/v1.0/card/instances/createAndDeliver", body=body, idempotent=False)
        result = data.get("result") or {}
        ours = delivery_for(user_id, result.get("deliverResults") or [])
        return DeliverResult(
            out_track_id=str(result.get("outTrackId", out_track_id)),
            space_id=robot_space(user_id),
            success=bool(ours.get("success", False)),
            error=ours.get("errorMsg"),
            carrier_id=ours.get("carrierId"),
        )

    async def update_card(
        self,
        *,
        out_track_id: str,
        card_data: dict[str, str] | None = None,
        private_data: dict[str, dict[str, str]] | None = None,
    ) -> None:
        body: dict[str, Any] = {
            "outTrackId": out_track_id,
            "cardUpdateOptions": {"updateCardDataByKey": True, "updatePrivateDataByKey": True},
            "userIdType": 1,
        }
        if card_data is not None:
            body["cardData"] = {"cardParamMap": card_data}
        if private_data:
            body["privateData"] = {uid: {"cardParamMap": params} for uid, params in private_data.items()}
        await self.call("PUT", "api", "/v1.0/card/instances", body=body)

    # --- work notices and robot messages ----------------------------------------------------------

    async def send_work_notice(self, user_ids: Sequence[str], msg: dict[str, Any]) -> str:
        """Queue a work notice; DingTalk answers with a task id, not a delivery."""
        body = {"agent_id": self.settings.agent_id, "userid_list": ",".join(user_ids), "msg": msg}
        data = await self.call(
            "POST", "oapi", "/topapi/message/corpconversation/asyncsend_v2", body=body, idempotent=False
        )
        return str(data["task_id"])

    async def work_notice_result(self, task_id: str) -> dict[str, Any]:
        body = {"agent_id": self.settings.agent_id, "task_id": int(task_id)}
        data = await self.call("POST", "oapi", "/topapi/message/corpconversation/getsendresult", body=body)
        result: dict[str, Any] = data.get("send_result") or {}
        return result

    async def send_robot_messages(
        self, user_ids: Sequence[str], msg_key: str, msg_param: dict[str, Any]
    ) -> list[RobotSendResult]:
        results = []
        for start in range(0, len(user_ids), ROBOT_BATCH):
            body = {
                "robotCode": self.settings.robot,
                "userIds": list(user_ids[start : start + ROBOT_BATCH]),
                "msgKey": msg_key,
                "msgParam": json.dumps(msg_param, ensure_ascii=False),
            }
            data = await self.call("POST", "api", "/v1.0/robot/oToMessages/batchSend", body=body, idempotent=False)
            results.append(
                RobotSendResult(
                    process_query_key=data.get("processQueryKey"),
                    invalid=list(data.get("invalidStaffIdList") or []),
                    flow_controlled=list(data.get("flowControlledStaffIdList") or []),
                )
            )
        return results

    # --- to-do (待办) --------------------------------------------------------------------------------

    async def create_todo(
        self,
        *,
        union_id: str,
        subject: str,
        source_id: str,
        description: str = "",
        detail_url: str | None = None,
        due_time_ms: int | None = None,
    ) -> str:
        body: dict[str, Any] = {
            "sourceId": source_id,
            "subject": subject,
            "description": description,
            "executorIds": [union_id],
            "participantIds": [union_id],
            "isOnlyShowExecutor": True,
            "notifyConfigs": {"dingNotify": "1"},
        }
        if detail_url:
            body["detailUrl"] = {"appUrl": detail_url, "pcUrl": detail_url}
        if due_time_ms is not None:
            body["dueTime"] = due_time_ms
        data = await self.call(
            "POST",
            "api",
            f"/v1.0/todo/users/{union_id}/tasks",
            body=body,
            params={"operatorId": union_id},
            idempotent=False,
        )
        return str(data["id"])

    async def complete_todo(self, *, union_id: str, task_id: str) -> None:
        await self.call(
            "PUT",
            "api",
            f"/v1.0/todo/users/{union_id}/tasks/{task_id}",
            body={"done": True},
            params={"operatorId": union_id},
        )

    # --- users and login-free sign-in (免登) --------------------------------------------------------

    async def user_by_auth_code(self, code: str) -> dict[str, Any]:
        data = await self.call("POST", "oapi", "/topapi/v2/user/getuserinfo", body={"code": code})
        result: dict[str, Any] = data["result"]
        return result

    async def user(self, user_id: str) -> dict[str, Any]:
        data = await self.call("POST", "oapi", "/topapi/v2/user/get", body={"userid": user_id, "language": "zh_CN"})
        result: dict[str, Any] = data["result"]
        return result

    async def user_id_by_mobile(self, mobile: str) -> str | None:
        try:
            data = await self.call("POST", "oapi", "/topapi/v2/user/getbymobile", body={"mobile": mobile})
        except DingTalkError as exc:
            if exc.code == str(USER_NOT_FOUND):
                return None
            raise
        return str(data["result"]["userid"])

    async def create_user(
        self, *, name: str, mobile: str, dept_ids: Sequence[int] = (1,), title: str | None = None
    ) -> str:
        """The new member's userid, or the existing member's when the mobile already belongs to one."""
        body: dict[str, Any] = {"name": name, "mobile": mobile, "dept_id_list": ",".join(map(str, dept_ids))}
        if title:
            body["title"] = title
        try:
            data = await self.call("POST", "oapi", "/topapi/v2/user/create", body=body, idempotent=False)
        except DingTalkError as exc:
            # Already a member, e.g. an earlier attempt that timed out did create them: the same person.
            if exc.code != str(MOBILE_TAKEN) or (user_id := await self.user_id_by_mobile(mobile)) is None:
                raise
            log.info("dingtalk user exists for this mobile; using it", extra={"userid": user_id})
            return user_id
        return str(data["result"]["userid"])


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None
