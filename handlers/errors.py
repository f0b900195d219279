"""Domain errors: a stable code for programs and a Chinese message for the person.

One middleware per channel maps them (HTTP status + code + message, a polite card, a WeChat reply).
"""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "invalid_request"
    message = "请求有误"
    # The form field the error is about (a page shows the message beside it); None for the request as a whole.
    field: str | None = None
    # Seconds after which asking again may succeed (sent as Retry-After); None when it would not help.
    retry_after: int | None = None

    def __init__(self, message: str | None = None, *, code: str | None = None, field: str | None = None) -> None:
        self.message = message or type(self).message
        self.code = code or type(self).code
        self.field = field
        super().__init__(f"{self.code}: {self.message}")


class InvalidInput(DomainError):
    status = 422
    code = "invalid_input"
    message = "填写的内容有误"


class InvalidForm(InvalidInput):
    """A submitted form with several wrong fields: every field's error (field, code, Chinese message naming the
    field), the first one's message as the answer's message."""

    code = "invalid_form"

    def __init__(self, errors: tuple[dict[str, str], ...], *, field: str | None = None) -> None:
        super().__init__(errors[0]["message"], field=field)
        self.errors = errors


class NotFound(DomainError):
    status = 404
    code = "not_found"
    message = "未找到相应的记录"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    message = "您没有权限进行此操作"


class Conflict(DomainError):
    status = 409
    code = "conflict"
    message = "操作冲突，请刷新后重试"


class FileTooLarge(DomainError):
    status = 413
    code = "file_too_large"
    message = "文件过大"


class UnsupportedFileType(DomainError):
    status = 415
    code = "unsupported_file_type"
    message = "不支持的文件类型"


class Unavailable(DomainError):
    """A service we depend on cannot answer now; never a 500."""

    status = 503
    code = "unavailable"
    message = "服务暂不可用，请稍后再试"

    def __init__(self, message: str | None = None, *, code: str | None = None, retry_after: int | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


class DependencyUnavailable(Unavailable):
    """The database or Redis cannot be reached: nothing was done, and the same request may succeed shortly.

    Raised by the channels' edges from the driver's own exceptions (bot.availability), never by a use case."""

    code = "dependency_unavailable"
    message = "服务繁忙，请稍后重试"
    RETRY_AFTER_SECONDS = 5

    def __init__(self, dependency: str, *, retry_after: int = RETRY_AFTER_SECONDS) -> None:
        super().__init__(retry_after=retry_after)
        self.dependency = dependency  # "database" or "redis", for logs and the metric
