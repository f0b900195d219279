"""Aliyun dysmsapi (2017-05-25) SendSms over our aiohttp session, with the RPC signature (HMAC-SHA1, v1.0).

StringToSign = "POST&%2F&" + percent(canonical sorted query); key = AccessKeySecret + "&".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime
from urllib.parse import quote

import aiohttp

from bot.sms.port import SmsAccountBlocked, SmsError, SmsRejected, SmsThrottled, SmsUnavailable

VERSION = "2017-05-25"
_THROTTLED = ("isv.BUSINESS_LIMIT_CONTROL", "Throttling", "Throttling.User", "Throttling.Api", "isv.DAY_LIMIT_CONTROL")
_BLOCKED = (
    "isv.AMOUNT_NOT_ENOUGH",
    "isv.OUT_OF_SERVICE",
    "SignatureDoesNotMatch",
    "InvalidAccessKeyId.NotFound",
    "InvalidAccessKeyId.Inactive",
    "isp.RAM_PERMISSION_DENY",
    "Forbidden.RAM",
)


def percent(value: str) -> str:
    return quote(value, safe="~")


def rpc_signature(params: dict[str, str], secret: str, method: str = "POST") -> str:
    canonical = "&".join(f"{percent(k)}={percent(params[k])}" for k in sorted(params))
    to_sign = f"{method}&{percent('/')}&{percent(canonical)}"
    return base64.b64encode(hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()).decode()


def error_for(code: str, message: str) -> SmsError:
    if code in _THROTTLED:
        return SmsThrottled(code, message)
    if code in _BLOCKED:
        return SmsAccountBlocked(code, message)
    if code.startswith("isp.") or code in ("ServiceUnavailable", "InternalError"):
        return SmsUnavailable(code, message)
    return SmsRejected(code, message)


class AliyunSms:
    def __init__(
        self,
        http: aiohttp.ClientSession,
        *,
        base_url: str,
        access_key_id: str,
        access_key_secret: str,
        sign_name: str,
        region_id: str = "cn-hangzhou",
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.access_key_id = access_key_id
        self._secret = access_key_secret
        self.sign_name = sign_name
        self.region_id = region_id

    def signed_params(self, action: str, params: dict[str, str], *, now: datetime | None = None) -> dict[str, str]:
        common = {
            "Action": action,
            "Version": VERSION,
            "Format": "JSON",
            "RegionId": self.region_id,
            "AccessKeyId": self.access_key_id,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureVersion": "1.0",
            "SignatureNonce": uuid.uuid4().hex,
            "Timestamp": (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        merged = {**common, **params}
        return {**merged, "Signature": rpc_signature(merged, self._secret)}

    async def send(self, phone: str, template_code: str, params: dict[str, str], *, out_id: str | None) -> str:
        fields = {
            "PhoneNumbers": phone,
            "SignName": self.sign_name,
            "TemplateCode": template_code,
            "TemplateParam": json.dumps(params, ensure_ascii=False, separators=(",", ":")),
        }
        if out_id:
            fields["OutId"] = out_id
        try:
            async with self.http.post(f"{self.base_url}/", data=self.signed_params("SendSms", fields)) as response:
                status = response.status
                raw = await response.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise SmsUnavailable("Network", repr(exc)) from exc
        try:
            body = json.loads(raw)
        except ValueError as exc:
            raise SmsUnavailable(f"HTTP{status}", "not JSON") from exc
        code = str(body.get("Code", ""))
        if status == 200 and code == "OK":
            return str(body["BizId"])
        if status >= 500 and not code:
            raise SmsUnavailable(f"HTTP{status}", str(body))
        raise error_for(code or f"HTTP{status}", str(body.get("Message", "")))
