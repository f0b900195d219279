"""How an applicant hears a registration decision (issue 17 item 8: by DingTalk, SMS or WeChat, whichever reaches
them). DingTalk is the review engine's notice to those bound to it; besides it, a person following our official
account gets the 审核结果通知 template message there, and anyone else an SMS to the account's mobile."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select

from cards.outbound import SmsMessage, WeChatTemplate
from cards.review_result import review_result_template
from handlers.expert_channel.official_account import follower_of
from handlers.registration.policy import RegistrationPolicy
from store.models.organisation import Account
from store.models.wechat import WeChatFollower
from store.transaction import Transaction


@dataclass(frozen=True)
class Decision:
    matter: str  # 申请事项, e.g. 技术经理人登记：赵经理
    name: str  # the SMS's ${name}
    status: str  # the SMS's ${status}, e.g. 已通过审核，登记号…
    result: str  # the template's 审核结果: 已通过 / 未通过 / 退回修改
    reason: str
    source: str  # the record, e.g. technology_manager:7
    link: str = ""  # the record's page, opened from the template message


async def following_openid(tx: Transaction, account_id: int) -> str | None:
    """The openid under which the person follows the official account now (unfollowed, or refused by the platform
    as invalid: none)."""
    return await tx.session.scalar(
        select(WeChatFollower.openid)
        .where(
            follower_of(account_id, None),
            WeChatFollower.subscribed.is_(True),
            WeChatFollower.binding_error.is_(None),
        )
        .order_by(WeChatFollower.id.desc())
        .limit(1)
    )


async def tell_decision(tx: Transaction, policy: RegistrationPolicy, account_id: int, d: Decision) -> None:
    openid = await following_openid(tx, account_id) if policy.wechat_decision_template else None
    now = tx.clock.now()
    if openid is not None:
        content = review_result_template(
            template_id=policy.wechat_decision_template,
            matter=d.matter,
            result=d.result,
            reason=d.reason,
            decided_at=now.astimezone(ZoneInfo(policy.timezone)),
            url=d.link,
        )
        # WeChat drops a repeat of one client_msg_id to one openid: one per decision.
        key = f"decision-{d.source}-{int(now.timestamp() * 1_000_000)}"
        tx.send_later(WeChatTemplate.of(content, recipient=openid, client_msg_id=key, source=d.source))
        return
    mobile = await tx.session.scalar(select(Account.mobile).where(Account.id == account_id))
    if not mobile:
        return
    tx.send_later(
        SmsMessage(
            recipient=mobile,
            template_code=policy.sms_decision_template,
            params={"name": d.name, "status": d.status, "reason": f"，原因：{d.reason}" if d.reason else ""},
            source=d.source,
        )
    )
