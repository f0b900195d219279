"""The sandbox DingTalk OpenAPI: same paths, payload shapes, error codes and limits as the platform."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from cards.templates import template
from handlers.clock import Clock
from sandbox.dingtalk.directory import Directory
from sandbox.dingtalk.state import TOKEN_SECONDS, Card, DingTalkSandboxState

WORK_NOTICE_DAILY_PER_USER = 500
ROBOT_BATCH_LIMIT = 20
# How deliverResults entries name the space: what we sent, the bare userid, or nothing (see _deliver_result).
DELIVER_SHAPES = ("full", "bare", "none")
# Assumed, not documented: the answer to a createAndDeliver with an outTrackId already in use.
OUT_TRACK_ID_TAKEN = "param.outTrackIdAlreadyExists"
_THROTTLE_PAGE = "<html><head><title>429 Too Many Requests</title></head><body>访问过于频繁</body></html>"


def v1_error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"code": code, "message": message, "requestid": uuid.uuid4().hex}, status=status)


def oapi_error(errcode: int, errmsg: str) -> web.Response:
    # oapi answers HTTP 200 with a non-zero errcode
    return web.json_response({"errcode": errcode, "errmsg": errmsg, "request_id": uuid.uuid4().hex})


def _is_oapi(path: str) -> bool:
    return "/topapi/" in path or path.endswith("/gettoken")


def fault_middleware(state: DingTalkSandboxState, clock: Clock) -> Any:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        path = request.path
        if "/_fake/" in path or path.endswith("/connect") or "/gateway/" in path:
            return await handler(request)
        state.journal.append((request.method, path))
        if request.content_type == "application/json" and request.can_read_body:
            body = await _json(request)  # aiohttp keeps the body, so the handler reads it again
            state.bodies.append((request.method, path, body))
        oapi = _is_oapi(path)
        if state.over_qps(path, clock.now()):
            if oapi:
                return oapi_error(90018, "当前企业调用该接口超过每秒频率限制")
            return v1_error(403, "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi.90018", "调用频率超过限制")
        fault = state.take_fault(path)
        if fault is None:
            return await handler(request)
        if fault.kind == "token_expired":
            state.tokens.clear()
            if oapi:
                return oapi_error(42001, "access_token expired")
            return v1_error(401, "InvalidAuthentication", "不合法的access_token")
        if fault.kind in ("90002", "90018"):
            if oapi:
                return oapi_error(int(fault.kind), "api freq out of limit")
            return v1_error(403, f"Forbidden.AccessDenied.QpsLimitForApi.{fault.kind}", "调用频率超过限制")
        if fault.kind == "429":
            return v1_error(429, "Throttling", "请求被流控")
        if fault.kind == "500_after_acting":
            await handler(request)  # DingTalk did the work, then the answer was lost in a 5xx
            if oapi:
                return oapi_error(-1, "系统繁忙")
            return v1_error(500, "ServiceUnavailable", "服务暂时不可用")
        if fault.kind == "-1":
            if oapi:
                return oapi_error(-1, "系统繁忙")
            return v1_error(500, "ServiceUnavailable", "系统繁忙")
        if fault.kind == "html":
            return web.Response(status=503, text=_THROTTLE_PAGE, content_type="text/html")
        return v1_error(500, "ServiceUnavailable", "服务暂时不可用")

    return middleware


class OpenApi:
    def __init__(self, state: DingTalkSandboxState, directory: Directory, clock: Clock) -> None:
        self.state = state
        self.directory = directory
        self.clock = clock

    def routes(self, app: web.Application) -> None:
        r = app.router
        r.add_post("/v1.0/oauth2/accessToken", self.access_token)
        r.add_get("/gettoken", self.gettoken)
        r.add_post("/v1.0/card/instances/createAndDeliver", self.create_and_deliver)
        r.add_put("/v1.0/card/instances", self.update_card)
        r.add_post("/topapi/message/corpconversation/asyncsend_v2", self.work_notice)
        r.add_post("/topapi/message/corpconversation/getsendresult", self.work_notice_result)
        r.add_post("/v1.0/robot/oToMessages/batchSend", self.robot_batch_send)
        r.add_post("/v1.0/todo/users/{union_id}/tasks", self.create_todo)
        r.add_put("/v1.0/todo/users/{union_id}/tasks/{task_id}", self.update_todo)
        r.add_post("/topapi/v2/user/getuserinfo", self.getuserinfo)
        r.add_post("/topapi/v2/user/get", self.user_get)
        r.add_post("/topapi/v2/user/getbymobile", self.getbymobile)
        r.add_post("/topapi/v2/user/create", self.user_create)

    # --- auth -----------------------------------------------------------------------------------

    def _issue(self) -> str:
        token = uuid.uuid4().hex
        self.state.tokens[token] = self.clock.now() + timedelta(seconds=TOKEN_SECONDS)
        return token

    def _token_ok(self, token: str | None) -> bool:
        expiry = self.state.tokens.get(token or "")
        return expiry is not None and expiry > self.clock.now()

    def _v1_auth(self, request: web.Request) -> web.Response | None:
        if self._token_ok(request.headers.get("x-acs-dingtalk-access-token")):
            return None
        return v1_error(401, "InvalidAuthentication", "不合法的access_token")

    def _oapi_auth(self, request: web.Request) -> web.Response | None:
        if self._token_ok(request.query.get("access_token")):
            return None
        return oapi_error(40014, "不合法的access_token")

    async def access_token(self, request: web.Request) -> web.Response:
        body = await _json(request)
        if body.get("appKey") != self.state.client_id or body.get("appSecret") != self.state.client_secret:
            return v1_error(400, "invalidClientIdOrSecret", "无效的clientId或者clientSecret")
        return web.json_response({"accessToken": self._issue(), "expireIn": TOKEN_SECONDS})

    async def gettoken(self, request: web.Request) -> web.Response:
        q = request.query
        if q.get("appkey") != self.state.client_id or q.get("appsecret") != self.state.client_secret:
            return oapi_error(40089, "不合法的corpid或corpsecret")
        return web.json_response(
            {"errcode": 0, "errmsg": "ok", "access_token": self._issue(), "expires_in": TOKEN_SECONDS}
        )

    # --- cards ----------------------------------------------------------------------------------

    async def create_and_deliver(self, request: web.Request) -> web.Response:
        if (denied := self._v1_auth(request)) is not None:
            return denied
        body = await _json(request)
        out_track_id = str(body.get("outTrackId") or "")
        declared = template(str(body.get("cardTemplateId", "")))
        if not out_track_id:
            return v1_error(400, "MissingoutTrackId", "outTrackId is mandatory for this action.")
        if declared is None:
            return v1_error(400, "param.cardTemplateIdNotExist", "卡片模板不存在")
        params = (body.get("cardData") or {}).get("cardParamMap") or {}
        if wrong := declared.missing_or_invalid(params):
            message = f"cardParamMap 变量缺失或不是字符串：{', '.join(wrong)}"
            return v1_error(400, "InvalidParameter.cardParamMap", message)
        space = str(body.get("openSpaceId", ""))
        if not space.startswith("dtv1.card//IM_ROBOT."):
            return v1_error(400, "InvalidParameter.openSpaceId", "openSpaceId 不合法")
        user_id = space.removeprefix("dtv1.card//IM_ROBOT.")
        deliver_model = body.get("imRobotOpenDeliverModel") or {}
        if deliver_model.get("spaceType") != "IM_ROBOT":
            return v1_error(400, "InvalidParameter.imRobotOpenDeliverModel", "spaceType 必须为 IM_ROBOT")
        if deliver_model.get("robotCode", self.state.client_id) != self.state.client_id:
            return v1_error(400, "InvalidParameter.robotCode", "robotCode 不属于当前应用")
        if out_track_id in self.state.cards:
            # What DingTalk does with a reused outTrackId is unconfirmed (reference §7). A fake must not
            # promise an idempotency the platform may lack, so it refuses; the code and message are our
            # assumption, not DingTalk's documented answer.
            return v1_error(400, OUT_TRACK_ID_TAKEN, "outTrackId 已存在，不能重复创建卡片")
        private = {uid: dict(v.get("cardParamMap") or {}) for uid, v in (body.get("privateData") or {}).items()}
        card = Card(out_track_id, declared.id, user_id, dict(params), private, str(body.get("callbackType", "HTTP")))
        user = self.directory.user(user_id)
        if user is None or not user.active:
            return self._deliver_result(out_track_id, space, success=False, error="用户不存在或未激活")
        self.state.cards[out_track_id] = card
        self.directory.show_card(card, self.clock.now())
        return self._deliver_result(out_track_id, space, success=True, error=None)

    def _deliver_result(self, out_track_id: str, space: str, *, success: bool, error: str | None) -> web.Response:
        # The SDK model (CreateAndDeliverResponseBodyResultDeliverResults) has spaceType, spaceId, success,
        # errorMsg and carrierId; which form of spaceId comes back is not documented, and integrations read
        # only success and carrierId. The fake answers in each form seen, chosen per call.
        shape = self.state.deliver_shape or self.state.rng.choice(DELIVER_SHAPES)
        deliver: dict[str, Any] = {"spaceType": "IM_ROBOT", "success": success}
        if shape == "full":
            deliver["spaceId"] = space
        elif shape == "bare":
            deliver["spaceId"] = space.removeprefix("dtv1.card//IM_ROBOT.")
        if error:
            deliver["errorMsg"] = error
        else:
            deliver["carrierId"] = uuid.uuid4().hex
        return web.json_response({"success": True, "result": {"outTrackId": out_track_id, "deliverResults": [deliver]}})

    async def update_card(self, request: web.Request) -> web.Response:
        if (denied := self._v1_auth(request)) is not None:
            return denied
        body = await _json(request)
        card = self.state.cards.get(str(body.get("outTrackId", "")))
        if card is None:
            return v1_error(400, "param.outTrackIdNotExist", "卡片实例不存在")
        options = body.get("cardUpdateOptions") or {}
        params = (body.get("cardData") or {}).get("cardParamMap")
        if params is not None:
            if any(not isinstance(v, str) for v in params.values()):
                return v1_error(400, "InvalidParameter.cardParamMap", "cardParamMap 的值必须是字符串")
            card.params = {**card.params, **params} if options.get("updateCardDataByKey") else dict(params)
        for uid, value in (body.get("privateData") or {}).items():
            new = dict(value.get("cardParamMap") or {})
            card.private[uid] = {**card.private.get(uid, {}), **new} if options.get("updatePrivateDataByKey") else new
        self.directory.show_card(card, self.clock.now())
        return web.json_response({"success": True, "result": True})

    # --- work notices and robot messages ------------------------------------------------------

    async def work_notice(self, request: web.Request) -> web.Response:
        if (denied := self._oapi_auth(request)) is not None:
            return denied
        body = await _json(request)
        if str(body.get("agent_id", "")) != self.state.agent_id:
            return oapi_error(40056, "不合法的agentid")
        msg = body.get("msg")
        if not isinstance(msg, dict) or "msgtype" not in msg:
            return oapi_error(40035, "缺少参数 msg")
        users = [u for u in str(body.get("userid_list", "")).split(",") if u]
        if not users or len(users) > 5000:
            return oapi_error(40035, "userid_list 不合法")
        task_id = next(self.state.ids)
        today = self.clock.now().astimezone(self.directory.timezone).date().isoformat()
        content = json.dumps(msg, sort_keys=True, ensure_ascii=False)
        outcome: dict[str, list[str]] = {"delivered": [], "duplicate": [], "over_cap": [], "invalid": []}
        for uid in users:
            sent_today = [
                n
                for n in self.state.work_notices
                if n["userid"] == uid and n["day"] == today and n["status"] == "delivered"
            ]
            if self.directory.user(uid) is None:
                status = "invalid"
            elif any(n["content"] == content for n in sent_today):
                status = "duplicate"  # DingTalk delivers the same content to a user once a day, silently
            elif len(sent_today) >= WORK_NOTICE_DAILY_PER_USER:
                status = "over_cap"
            else:
                status = "delivered"
                self.directory.show_work_notice(uid, msg, self.clock.now())
            outcome[status].append(uid)
            self.state.work_notices.append(
                {"task_id": task_id, "userid": uid, "day": today, "content": content, "msg": msg, "status": status}
            )
        # Success whatever happened to each user: that is what DingTalk does.
        return web.json_response({"errcode": 0, "errmsg": "ok", "task_id": task_id, "request_id": uuid.uuid4().hex})

    async def work_notice_result(self, request: web.Request) -> web.Response:
        if (denied := self._oapi_auth(request)) is not None:
            return denied
        body = await _json(request)
        rows = [n for n in self.state.work_notices if n["task_id"] == int(body.get("task_id", -1))]
        if not rows:
            return oapi_error(40035, "task_id 不存在")
        by = {
            s: [n["userid"] for n in rows if n["status"] == s]
            for s in ("delivered", "duplicate", "over_cap", "invalid")
        }
        forbidden = [{"code": "143106", "count": 1, "userid": u} for u in by["duplicate"]]
        forbidden += [{"code": "143105", "count": 1, "userid": u} for u in by["over_cap"]]
        return web.json_response(
            {
                "errcode": 0,
                "errmsg": "ok",
                "send_result": {
                    "invalid_user_id_list": by["invalid"],
                    "forbidden_user_id_list": by["duplicate"] + by["over_cap"],
                    "failed_user_id_list": [],
                    "read_user_id_list": [],
                    "unread_user_id_list": by["delivered"],
                    "invalid_dept_id_list": [],
                    "forbidden_list": forbidden,
                },
            }
        )

    async def robot_batch_send(self, request: web.Request) -> web.Response:
        if (denied := self._v1_auth(request)) is not None:
            return denied
        body = await _json(request)
        if body.get("robotCode") != self.state.client_id:
            return v1_error(400, "resource.not.found", "robot 不存在")
        users = body.get("userIds") or []
        if not users or len(users) > ROBOT_BATCH_LIMIT:
            return v1_error(400, "InvalidParameter.userIds", f"userIds 数量须为 1-{ROBOT_BATCH_LIMIT}")
        try:
            param = json.loads(str(body.get("msgParam", "")))
        except ValueError:
            return v1_error(400, "InvalidParameter.msgParam", "msgParam 必须是 JSON 字符串")
        invalid = []
        for uid in users:
            if self.directory.user(uid) is None:
                invalid.append(uid)
                continue
            self.state.robot_messages.append({"userid": uid, "msgKey": body.get("msgKey"), "msgParam": param})
            self.directory.show_robot_message(uid, str(body.get("msgKey")), param, self.clock.now())
        return web.json_response(
            {
                "processQueryKey": uuid.uuid4().hex,
                "invalidStaffIdList": invalid,
                "flowControlledStaffIdList": [],
                "filteredStaffIdList": [],
            }
        )

    # --- to-do ----------------------------------------------------------------------------------

    async def create_todo(self, request: web.Request) -> web.Response:
        if (denied := self._v1_auth(request)) is not None:
            return denied
        body = await _json(request)
        if not body.get("subject"):
            return v1_error(400, "MissingSubject", "subject is mandatory for this action.")
        creator = request.match_info["union_id"]
        task_id = self.state.new_id("task")
        now_ms = int(self.clock.now().timestamp() * 1000)
        task = {
            "id": task_id,
            "subject": body["subject"],
            "description": body.get("description", ""),
            "sourceId": body.get("sourceId"),
            "creatorId": creator,
            "executorIds": body.get("executorIds", []),
            "participantIds": body.get("participantIds", []),
            "detailUrl": body.get("detailUrl"),
            "dueTime": body.get("dueTime"),
            "done": False,
            "createdTime": now_ms,
            "modifiedTime": now_ms,
            "requestId": uuid.uuid4().hex,
        }
        self.state.todos[task_id] = task
        for union_id in task["executorIds"]:
            self.directory.show_todo(union_id, task, self.clock.now())
        return web.json_response(task)

    async def update_todo(self, request: web.Request) -> web.Response:
        if (denied := self._v1_auth(request)) is not None:
            return denied
        task = self.state.todos.get(request.match_info["task_id"])
        if task is None:
            return v1_error(404, "taskNotExist", "待办不存在")
        body = await _json(request)
        for key in ("subject", "description", "dueTime", "done"):
            if key in body:
                task[key] = body[key]
        task["modifiedTime"] = int(self.clock.now().timestamp() * 1000)
        self.directory.refresh_todo(task)
        return web.json_response({"result": True})

    # --- users and login-free sign-in ---------------------------------------------------------

    async def getuserinfo(self, request: web.Request) -> web.Response:
        if (denied := self._oapi_auth(request)) is not None:
            return denied
        code = str((await _json(request)).get("code", ""))
        entry = self.state.auth_codes.pop(code, None)  # one use only
        if entry is None or entry[1] <= self.clock.now():
            return oapi_error(40078, "不存在的临时授权码")
        user = self.directory.user(entry[0])
        if user is None:
            return oapi_error(60121, "找不到该用户")
        return _ok(
            {
                "userid": user.userid,
                "unionid": user.unionid,
                "name": user.name,
                "device_id": uuid.uuid4().hex,
                "sys": False,
                "sys_level": 0,
                "associated_unionid": "",
            }
        )

    async def user_get(self, request: web.Request) -> web.Response:
        if (denied := self._oapi_auth(request)) is not None:
            return denied
        user = self.directory.user(str((await _json(request)).get("userid", "")))
        if user is None:
            return oapi_error(60121, "找不到该用户")
        return _ok(
            {
                "userid": user.userid,
                "unionid": user.unionid,
                "name": user.name,
                "mobile": user.mobile,
                "state_code": "86",
                "dept_id_list": user.dept_ids,
                "title": user.title,
                "active": user.active,
                "admin": False,
                "boss": False,
                "email": "",
            }
        )

    async def getbymobile(self, request: web.Request) -> web.Response:
        if (denied := self._oapi_auth(request)) is not None:
            return denied
        mobile = str((await _json(request)).get("mobile", ""))
        if not (mobile.isdigit() and len(mobile) == 11):
            return oapi_error(40104, "无效的手机号")
        user = self.directory.by_mobile(mobile)
        if user is None:
            return oapi_error(60121, "找不到该用户")
        return _ok({"userid": user.userid})

    async def user_create(self, request: web.Request) -> web.Response:
        if (denied := self._oapi_auth(request)) is not None:
            return denied
        body = await _json(request)
        name, mobile = str(body.get("name", "")), str(body.get("mobile", ""))
        if not name or not body.get("dept_id_list"):
            return oapi_error(40035, "缺少参数 name 或 dept_id_list")
        if not (mobile.isdigit() and len(mobile) == 11):
            return oapi_error(40104, "无效的手机号")
        if self.directory.by_mobile(mobile) is not None:
            return oapi_error(60104, "手机号码在公司中已注册")
        user = self.directory.create(
            name=name,
            mobile=mobile,
            userid=body.get("userid"),
            title=str(body.get("title", "")),
            dept_ids=[int(d) for d in str(body["dept_id_list"]).split(",") if d],
        )
        self.directory.invite(user, self.clock.now())
        return _ok({"userid": user.userid, "unionId": user.unionid})


def _ok(result: dict[str, Any]) -> web.Response:
    return web.json_response({"errcode": 0, "errmsg": "ok", "result": result, "request_id": uuid.uuid4().hex})


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
