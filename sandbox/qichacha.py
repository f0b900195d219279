"""A faithful offline 企查查 (Qichacha) open platform: API 410 `GET /ECIV4/GetBasicDetailsByName`.

It speaks the shapes bot/registry/qichacha.py documents (sources cited there): `key` and `keyword` in the query,
`Token` = upper-case MD5(key + Timespan + SecretKey) and `Timespan` in the headers, and an HTTP 200 JSON answer
{"Status", "Message", "OrderNumber", "Result"}. It checks what the platform checks with the platform's status:
an unknown key (101), a wrong or missing signature (107), a keyword shorter than 2 characters (213), the account's
remaining quota (112); a name or credit code it does not know answers 201 查询无结果. What the platform varies the
fake varies per call: StartDate with or without a time, RegistCapi as 万元人民币 or 万人民币 with decimals.

Its registry is the sandbox's thirteen fictional companies (sandbox/registry.py). Tests (and a person trying
the failure paths: `PUT /sandbox/qichacha/switches` {"remaining": 0} or {"fail_next": ["110"]}) make the next
answers fail with `fail_next`, or spend the quota with `remaining`.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from handlers.enterprises.ports import RegistryRecord
from sandbox.registry import RECORDS

MESSAGES = {
    "200": "查询成功",
    "201": "查询无结果",
    "213": "参数长度不能小于2",
    "101": "当前的KEY无效或者还未生效中",
    "107": "被禁止的IP或者签名错误",
    "109": "请求超过每日系统限制",
    "110": "当前相同查询连续出错，请等2小时后重试",
    "112": "您的账号剩余使用量已不足或已过期",
    "199": "系统未知错误，请联系技术客服",
}


@dataclass(frozen=True)
class SandboxQichachaAccount:
    app_key: str = "sandbox-qcc-app-key"
    secret_key: str = "sandbox-qcc-secret-key"


SANDBOX_QICHACHA = SandboxQichachaAccount()


@dataclass
class QichachaSandboxState:
    account: SandboxQichachaAccount = SANDBOX_QICHACHA
    records: tuple[RegistryRecord, ...] = RECORDS
    # Billed answers left (None: unlimited); at 0 every call answers 112.
    remaining: int | None = None
    # Statuses (or "http_502" for a gateway error page) the next calls answer instead, first first.
    fail_next: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    calls: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def find(self, keyword: str) -> RegistryRecord | None:
        wanted = keyword.strip()
        return next((r for r in self.records if wanted in (r.name, r.credit_code)), None)


def expected_token(app_key: str, timespan: str, secret_key: str) -> str:
    return hashlib.md5(f"{app_key}{timespan}{secret_key}".encode()).hexdigest().upper()


def _capital(record: RegistryRecord, call: int) -> str:
    if record.registered_capital_fen is None:
        return ""
    wan = record.registered_capital_fen // 1_000_000
    return f"{wan}万元人民币" if call % 2 else f"{wan}.000000万人民币"


def _result(record: RegistryRecord, call: int) -> dict[str, Any]:
    started = record.established_on.isoformat() if record.established_on else ""
    if started and call % 2 == 0:
        started += " 00:00:00"
    return {
        "KeyNo": hashlib.md5(record.credit_code.encode()).hexdigest(),
        "Name": record.name,
        "No": "",
        "BelongOrg": "",
        "OperName": record.legal_representative,
        "StartDate": started,
        "EndDate": "",
        "Status": "存续",
        "Province": "ZJ",
        "UpdatedDate": "",
        "CreditCode": record.credit_code,
        "RegistCapi": _capital(record, call),
        "EconKind": "有限责任公司",
        "Address": record.address,
        "Scope": "",
        "TermStart": started,
        "TermEnd": "",
        "CheckDate": "",
        "OrgNo": record.credit_code[8:17],
        "IsOnStock": "0",
        "StockNumber": None,
        "StockType": None,
        "ImageUrl": "",
        "EntType": "0",
    }


def qichacha_sandbox_app(state: QichachaSandboxState) -> web.Application:
    app = web.Application()

    def answer(status: str, call: int, result: dict[str, Any] | None = None) -> web.Response:
        return web.json_response(
            {
                "Status": status,
                "Message": MESSAGES.get(status, ""),
                "OrderNumber": f"ECIV4{call:012d}",
                "Result": result,
            }
        )

    async def basic_details(request: web.Request) -> web.Response:
        call = next(state.calls)
        key = request.query.get("key", "")
        keyword = request.query.get("keyword", "")
        state.keywords.append(keyword)
        if key != state.account.app_key:
            return answer("101", call)
        timespan = request.headers.get("Timespan", "")
        token = request.headers.get("Token", "")
        if not timespan or token != expected_token(key, timespan, state.account.secret_key):
            return answer("107", call)
        if state.fail_next:
            failure = state.fail_next.pop(0)
            if failure.startswith("http_"):
                return web.Response(status=int(failure[5:]), text="<html>Bad Gateway</html>", content_type="text/html")
            return answer(failure, call)
        if state.remaining is not None and state.remaining <= 0:
            return answer("112", call)
        if len(keyword.strip()) < 2:
            return answer("213", call)
        if state.remaining is not None:
            state.remaining -= 1
        record = state.find(keyword)
        if record is None:
            return answer("201", call)
        return answer("200", call, _result(record, call))

    async def switches(request: web.Request) -> web.Response:
        """The sandbox's own control (no such route on the platform): see and set the quota and failures."""
        if request.method == "PUT":
            body = await request.json()
            if "remaining" in body:
                remaining = body["remaining"]
                if remaining is not None and (isinstance(remaining, bool) or not isinstance(remaining, int)):
                    raise web.HTTPBadRequest(text="remaining: an integer or null")
                state.remaining = remaining
            if "fail_next" in body:
                failures = body["fail_next"]
                if not isinstance(failures, list) or not all(isinstance(f, str) for f in failures):
                    raise web.HTTPBadRequest(text='fail_next: a list of statuses such as "112" or "http_502"')
                state.fail_next = list(failures)
        return web.json_response(
            {"remaining": state.remaining, "fail_next": state.fail_next, "keywords": state.keywords[-20:]}
        )

    app.router.add_get("/ECIV4/GetBasicDetailsByName", basic_details)
    app.router.add_route("GET", "/switches", switches)
    app.router.add_route("PUT", "/switches", switches)
    return app
