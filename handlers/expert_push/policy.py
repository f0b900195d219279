"""What pushing needs from the configuration, passed in by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import DomainError


@dataclass(frozen=True)
class ExpertPushPolicy:
    app_id: str  # the official account the experts follow
    template_id: str  # a 需求匹配通知 template: thing1 需求名称, thing2 技术领域, thing3 推送机构, time4 推送时间
    mini_app_id: str  # the mini-program the message opens
    demand_page: str  # the demand's page in the mini-program; ?id=<demand id> is added
    timezone: str  # how the push time reads in the message
    batch_limit: int = 20  # experts in one push (a rule, not a setting)

    def page_path(self, demand_id: int) -> str:
        return f"{self.demand_page}?id={demand_id}"


class PushUnavailable(DomainError):
    """No official account is configured: nothing could reach an expert."""

    status = 503
    code = "wechat_not_configured"
    message = "尚未配置公众号，暂时无法推送专家"
