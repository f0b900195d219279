"""企查查 (Qichacha) open platform: API 410 企业工商照面, `GET {base}/ECIV4/GetBasicDetailsByName`.

Source: the provider's API page https://openapi.qcc.com/dataApi/410 and its status-code table (状态码说明) at
https://openapi.qcc.com/, as the provider's own Java demo and public clients reproduce them:

- Query: `key` (our AppKey) and `keyword` (full name, credit code or registration number).
- Headers: `Token` = upper-case hex MD5(AppKey + Timespan + SecretKey), `Timespan` = Unix time in seconds.
  The SecretKey itself never travels.
- Answer (HTTP 200, JSON): {"Status": "200", "Message": "…", "OrderNumber": "…", "Result": {…}} with Result's
  Name, CreditCode, OperName (legal representative), RegistCapi ("1000万元人民币", "1000.000000万人民币",
  "500万美元", "" …), StartDate ("2016-05-18" or "2016-05-18 00:00:00"), Address, Area {Province, City, County}.
- Status: 200 found; 201 查询无结果; 202 查询参数错误; 101 KEY无效或未生效; 102 KEY已欠费; 103 KEY被暂停;
  104 接口维护中; 107 被禁止的IP或者签名错误; 109 请求超过每日系统限制; 110 相同查询连续出错，请等2小时;
  111 接口权限未开通; 112 账号剩余使用量已不足或已过期 (quota); 113/114 接口删除/禁用; 115 身份验证错误或已过期;
  116 超过每日调用总量; 199 系统未知错误.

The adapter translates and decides nothing: a found record becomes a RegistryRecord, no result (and a keyword
the provider cannot search) becomes None, and everything else RegistryUnavailable, with Retry-After where waiting
helps. It never raises the provider's own error past the port.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import aiohttp

from bot import metrics
from handlers.enterprises.ports import RegistryRecord, RegistryUnavailable
from handlers.organisation import credit_code as cc

log = logging.getLogger(__name__)

PROVIDER = "qichacha"
PATH = "/ECIV4/GetBasicDetailsByName"

FOUND = "200"
NO_RESULT = "201"
# The keyword cannot be searched (parameter error, too short, unsupported keyword): nothing to find under it.
UNSEARCHABLE = frozenset({"202", "213", "215"})
# Waiting helps: seconds to wait (110 says two hours; daily limits reset at midnight, say an hour to look again).
RETRY_AFTER = {"109": 3600, "110": 7200, "116": 3600, "120": 60, "199": 60}
# The account needs an operator: bad key or signature, arrears, quota spent, permission, suspended.
ACCOUNT = frozenset(
    {"101", "102", "103", "104", "105", "106", "107", "108", "111", "112", "113", "114", "115", "117", "118", "119"}
)
TRANSIENT_SECONDS = 60

_CAPITAL = re.compile(r"([0-9][0-9,]*(?:\.[0-9]+)?)\s*万\s*(元)?\s*(人民币)?")


def token(app_key: str, timespan: str, secret_key: str) -> str:
    return hashlib.md5(f"{app_key}{timespan}{secret_key}".encode()).hexdigest().upper()


def capital_fen(value: Any) -> int | None:
    """RegistCapi in 万元 (renminbi) as integer fen; None for an empty, unreadable or foreign-currency amount."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    match = _CAPITAL.fullmatch(text)
    if match is None:
        return None
    try:
        wan = Decimal(match.group(1).replace(",", ""))
    except InvalidOperation:
        return None
    return int(wan * 10_000 * 100)


def start_date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value.strip()) < 10:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def record_of(result: dict[str, Any]) -> RegistryRecord | None:
    code = cc.normalise(str(result.get("CreditCode") or ""))
    name = str(result.get("Name") or "").strip()
    if not name or not cc.is_valid(code):
        # A record without a credit code (an old registration, a branch abroad) cannot become our enterprise.
        return None
    return RegistryRecord(
        name=name,
        credit_code=code,
        legal_representative=str(result.get("OperName") or "").strip(),
        registered_capital_fen=capital_fen(result.get("RegistCapi")),
        address=str(result.get("Address") or "").strip(),
        # The API gives region names only; the issuing authority's code (characters 3–8) is the region we know.
        region_code=cc.authority_region(code),
        established_on=start_date(result.get("StartDate")),
    )


class QichachaRegistry:
    provider = PROVIDER

    def __init__(
        self,
        http: aiohttp.ClientSession,
        *,
        base_url: str,
        app_key: str,
        secret_key: str,
        timeout_seconds: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.app_key = app_key
        self._secret = secret_key
        self.timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._clock = clock

    def headers(self) -> dict[str, str]:
        timespan = str(int(self._clock()))
        return {"Token": token(self.app_key, timespan, self._secret), "Timespan": timespan}

    async def lookup(self, full_name: str) -> RegistryRecord | None:
        params = {"key": self.app_key, "keyword": full_name.strip()}
        try:
            async with self.http.get(
                f"{self.base_url}{PATH}", params=params, headers=self.headers(), timeout=self.timeout
            ) as response:
                status = response.status
                raw = await response.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            self._count("network")
            log.warning("qichacha unreachable", extra={"error": repr(exc)})
            raise RegistryUnavailable(retry_after=TRANSIENT_SECONDS) from exc
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        if not isinstance(body, dict) or "Status" not in body:
            self._count(f"http_{status}")
            log.warning("qichacha answered without a status", extra={"http_status": status})
            raise RegistryUnavailable(retry_after=TRANSIENT_SECONDS)
        code = str(body.get("Status"))
        message = str(body.get("Message") or "")
        if code == FOUND and isinstance(body.get("Result"), dict):
            record = record_of(body["Result"])
            self._count("found" if record else "unusable")
            return record
        if code in (FOUND, NO_RESULT) or code in UNSEARCHABLE:
            self._count("none" if code != FOUND else "empty")
            return None
        self._count(code)
        if code in ACCOUNT:
            # Nothing a person adding an enterprise can do: the operator must fix the account (alert on this).
            log.error("qichacha refused our account", extra={"status": code, "provider_message": message})
            raise RegistryUnavailable()
        log.warning("qichacha could not answer", extra={"status": code, "provider_message": message})
        raise RegistryUnavailable(retry_after=RETRY_AFTER.get(code, TRANSIENT_SECONDS))

    def _count(self, outcome: str) -> None:
        metrics.registry_lookups.labels(provider=PROVIDER, outcome=outcome).inc()
