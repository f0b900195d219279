"""Typed DingTalk API errors: v1.0 `{code, message}`, oapi `errcode`, and HTML throttling pages."""

from __future__ import annotations

# oapi errcodes and v1.0 codes that mean "slow down": the per-API (90002) and per-app (90018) frequency
# limits. The IP ban answers with an HTML page instead.
THROTTLE_ERRCODES = frozenset({90002, 90018})
THROTTLE_CODE_MARKERS = ("QpsLimit", "Throttling", "90002", "90018")
# Invalid or expired access token: oapi 40014/42001; v1.0 answers 401 InvalidAuthentication.
TOKEN_ERRCODES = frozenset({40014, 42001, 88})
TOKEN_CODES = frozenset({"InvalidAuthentication", "Forbidden.AccessDenied.AccessTokenInvalid"})
USER_NOT_FOUND = 60121
# user/create: the mobile number already belongs to a member of the organisation.
MOBILE_TAKEN = 60104
# createAndDeliver with an outTrackId already in use. DingTalk's behaviour is unconfirmed (reference §7);
# this code is the sandbox's assumption and must be checked against the platform.
OUT_TRACK_ID_TAKEN = "param.outTrackIdAlreadyExists"
# The org's monthly metered-API quota is spent: nothing helps until the quota resets.
MONTHLY_QUOTA = 90020


class DingTalkError(Exception):
    """A call DingTalk refused.

    `retryable`: the client may repeat it at once (throttling and 5xx only). `transient`: the relay may
    try the message again later.
    """

    retryable = False
    transient = False

    def __init__(self, status: int, code: str, message: str, *, request_id: str | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.request_id = request_id


class DingTalkThrottled(DingTalkError):
    retryable = True
    transient = True

    def __init__(
        self, status: int, code: str, message: str, *, retry_after: float | None = None, request_id: str | None = None
    ) -> None:
        super().__init__(status, code, message, request_id=request_id)
        self.retry_after = retry_after


class DingTalkServerError(DingTalkError):
    retryable = True
    transient = True


class DingTalkUnreachable(DingTalkError):
    """A timeout or a broken connection: DingTalk may or may not have acted on the call, so the client
    does not repeat it at once (a work notice has no idempotency key); the relay decides later."""

    transient = True


class DingTalkTokenInvalid(DingTalkError):
    """The access token was rejected; the client refetches once before giving up."""

    transient = True


class DingTalkQuotaExhausted(DingTalkError):
    """The org's monthly API quota is spent (90020)."""


def refused_before_acting(exc: DingTalkError) -> bool:
    """True when DingTalk certainly did nothing: a frequency limit (429, 90002, 90018) turned the call away
    at the door. A 5xx, errcode -1, an HTML error page or a timeout may come after the call took effect."""
    if not isinstance(exc, DingTalkThrottled):
        return False
    return (
        exc.status == 429
        or exc.code in {str(c) for c in THROTTLE_ERRCODES}
        or (exc.code != "html" and any(marker in exc.code for marker in THROTTLE_CODE_MARKERS))
    )


def classify(status: int, body: object, *, content_type: str, retry_after: float | None) -> DingTalkError | None:
    """Turn one HTTP answer into an error, or None when it is a success."""
    if "html" in content_type or not isinstance(body, dict):
        # The per-IP ban and gateway errors come back as HTML pages, not JSON.
        if status < 400 and isinstance(body, dict):
            return None
        page = DingTalkThrottled(status, "html", "non-JSON answer (throttling page)", retry_after=retry_after)
        # An HTML page with another status is the per-IP ban (minutes): no point repeating at once.
        page.retryable = status == 429 or status >= 500
        return page
    request_id = _str_or_none(body.get("requestid") or body.get("request_id") or body.get("requestId"))
    errcode = body.get("errcode")
    if isinstance(errcode, int) and errcode != 0:
        message = str(body.get("errmsg", ""))
        if errcode in THROTTLE_ERRCODES:
            return DingTalkThrottled(status, str(errcode), message, retry_after=retry_after, request_id=request_id)
        if errcode in TOKEN_ERRCODES:
            return DingTalkTokenInvalid(status, str(errcode), message, request_id=request_id)
        if errcode == MONTHLY_QUOTA:
            return DingTalkQuotaExhausted(status, str(errcode), message, request_id=request_id)
        if errcode == -1:  # "系统繁忙" (system busy)
            return DingTalkServerError(status, str(errcode), message, request_id=request_id)
        return DingTalkError(status, str(errcode), message, request_id=request_id)
    if status < 400:
        return None
    code = str(body.get("code", status))
    message = str(body.get("message", ""))
    if status == 429 or any(marker in code for marker in THROTTLE_CODE_MARKERS):
        return DingTalkThrottled(status, code, message, retry_after=retry_after, request_id=request_id)
    if status == 401 or code in TOKEN_CODES:
        return DingTalkTokenInvalid(status, code, message, request_id=request_id)
    if "ApiCountLimitForOrg" in code:
        return DingTalkQuotaExhausted(status, code, message, request_id=request_id)
    if status >= 500:
        return DingTalkServerError(status, code, message, request_id=request_id)
    return DingTalkError(status, code, message, request_id=request_id)


def _str_or_none(value: object) -> str | None:
    return None if value is None else str(value)
