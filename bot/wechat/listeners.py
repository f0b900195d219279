"""What the official account does with each push: translate it into a use case, answer in Chinese. A push with an
effect runs through handlers.transactions.transact under its inbox key, so a retried push has no second effect."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.wechat.router import InboundMessage, MessageRouter
from cards.expert_invitation import ALREADY_BOUND_TEXT, INVITATION_EXPIRED_TEXT
from handlers.expert_channel.answer_bind_request import (
    AnswerBindRequest,
    answer_bind_request,
    answer_repeated_bind_request,
)
from handlers.expert_channel.answer_my_dockings import AnswerMyDockings, answer_my_dockings
from handlers.expert_channel.answer_my_subscriptions import AnswerMySubscriptions, answer_my_subscriptions
from handlers.expert_invitations.accept_expert_invitation import (
    AcceptExpertInvitation,
    BindLink,
    InvitationOutcome,
    accept_expert_invitation,
    is_invitation_scene,
)
from handlers.transactions import Claim, transact
from handlers.wechat.record_follow import RecordFollow, record_follow
from handlers.wechat.record_template_delivery import (
    RecordTemplateDelivery,
    TemplateDeliveryRecorded,
    apply_kept_report,
    record_template_delivery,
)
from handlers.wechat.record_unfollow import RecordUnfollow, UnfollowRecorded, record_unfollow
from store.inbox import Inbound
from store.transaction import Transaction
from store.uow import UnitOfWork

log = logging.getLogger(__name__)
HELP_KEYWORDS = ("帮助", "help", "?", "？")
HELP_MENU_KEY = "help"
BIND_KEYWORDS = ("绑定", "绑定信息")
BIND_MENU_KEY = "bind"
MY_DOCKINGS_KEYWORDS = ("我的对接",)
MY_DOCKINGS_MENU_KEY = "my_dockings"
MY_SUBSCRIPTIONS_KEYWORDS = ("我的订阅", "订阅")
MY_SUBSCRIPTIONS_MENU_KEY = "my_subscriptions"
HELP_TEXT = (
    "科转公众号服务专家和企业联系人，请先在小程序中用机构为您登记的手机号完成绑定：\n"
    "专家：\n"
    "· 每天 16:00 推送与您订阅领域匹配的新需求，点击消息进入小程序查看详情、对接需求；\n"
    "· 在小程序「我的」中维护个人信息与订阅领域；\n"
    "· 回复「我的订阅」「我的对接」查看订阅领域与正在对接的需求。\n"
    "企业联系人：\n"
    "· 在小程序中为本企业发布需求，查看需求的审核与对接进展；\n"
    "· 需求审核通过、开始对接和完成时会收到短信通知。\n"
    "回复「绑定」查看或完成身份绑定，回复「帮助」可再次查看本说明。"
)
WELCOME_TEXT = (
    "欢迎关注科转！专家可接收与专业领域匹配的需求推送并在小程序中对接；企业联系人可在小程序中发布需求、查看进展。"
    "回复「帮助」了解更多。"
)
FALLBACK_TEXT = "消息已收到。回复「帮助」查看可用功能。"
# The 「前往绑定信息」 message itself goes as a customer-service message (see accept_expert_invitation);
# a scene we never issued is answered like a plain follow or scan.
_INVITATION_REPLIES: dict[InvitationOutcome, str] = {
    InvitationOutcome.ALREADY_BOUND: ALREADY_BOUND_TEXT,
    InvitationOutcome.EXPIRED: INVITATION_EXPIRED_TEXT,
}


def build_router(
    uow: Callable[[], UnitOfWork],
    *,
    after_follow: Callable[[str], Awaitable[None]] | None = None,
    bind_link: BindLink | None = None,
) -> MessageRouter:
    """`after_follow(openid)` runs once per new follow, after the answer (e.g. fetching the unionid).
    `bind_link`: where an expert invitation's bind message leads; None leaves invitation scenes unanswered."""
    router = MessageRouter()
    _register_help(router)
    _register_bind(router, uow, bind_link)
    _register_expert_queries(router, uow)
    _register_follow(router, uow, after_follow=after_follow, bind_link=bind_link)
    _register_template_reports(router, uow)
    return router


def _register_help(router: MessageRouter) -> None:
    @router.keyword(*HELP_KEYWORDS)
    @router.menu(HELP_MENU_KEY)
    async def on_help(_message: InboundMessage) -> str | None:
        return HELP_TEXT  # no side effect: answered without a database or Redis round trip

    @router.text
    async def on_text(_message: InboundMessage) -> str | None:
        return FALLBACK_TEXT


def _register_bind(router: MessageRouter, uow: Callable[[], UnitOfWork], bind_link: BindLink | None) -> None:
    @router.keyword(*BIND_KEYWORDS)
    @router.menu(BIND_MENU_KEY)
    async def on_bind(message: InboundMessage) -> str | None:
        cmd = AnswerBindRequest(message.app_id, message.from_user, bind_link)
        claim = Claim(message.inbox_key, Inbound.BIND_REQUEST, lambda tx: answer_repeated_bind_request(cmd, tx))
        return await transact(uow(), lambda tx: answer_bind_request(cmd, tx), claim=claim, clash=None)


def _register_expert_queries(router: MessageRouter, uow: Callable[[], UnitOfWork]) -> None:
    @router.keyword(*MY_DOCKINGS_KEYWORDS)
    @router.menu(MY_DOCKINGS_MENU_KEY)
    async def on_my_dockings(message: InboundMessage) -> str | None:
        return await answer_my_dockings(AnswerMyDockings(message.app_id, message.from_user), uow())

    @router.keyword(*MY_SUBSCRIPTIONS_KEYWORDS)
    @router.menu(MY_SUBSCRIPTIONS_MENU_KEY)
    async def on_my_subscriptions(message: InboundMessage) -> str | None:
        return await answer_my_subscriptions(AnswerMySubscriptions(message.app_id, message.from_user), uow())


@dataclass(frozen=True)
class _Followed:
    new: bool  # False: a retried push
    stale: bool = False
    reply: str | None = None


def _register_follow(
    router: MessageRouter,
    uow: Callable[[], UnitOfWork],
    *,
    after_follow: Callable[[str], Awaitable[None]] | None,
    bind_link: BindLink | None,
) -> None:
    def invites(message: InboundMessage) -> bool:
        return bind_link is not None and is_invitation_scene(message.scene)

    async def answer_invitation(message: InboundMessage, tx: Transaction, plain: str | None) -> str | None:
        """`plain` is the answer to a follow or scan that brings no invitation of ours."""
        if bind_link is None or not invites(message):
            return plain
        cmd = AcceptExpertInvitation(
            message.app_id, message.from_user, message.scene, bind_link, event_at=message.created_at
        )
        outcome = await accept_expert_invitation(cmd, tx)
        if outcome == InvitationOutcome.UNKNOWN:
            return plain
        return _INVITATION_REPLIES.get(outcome)

    def follow(message: InboundMessage, *, scan: bool, plain: str | None) -> Claim[_Followed]:
        async def again(_tx: Transaction) -> _Followed:
            # Already handled: the plain answer again, nothing for an invitation (its message is on its way).
            return _Followed(new=False, reply=None if invites(message) else plain)

        return Claim(message.inbox_key, Inbound.SCAN if scan else Inbound.SUBSCRIBE, again)

    @router.event("subscribe")
    async def on_subscribe(message: InboundMessage) -> str | None:
        async def work(tx: Transaction) -> _Followed:
            cmd = RecordFollow(message.app_id, message.from_user, message.scene, event_at=message.created_at)
            if (await record_follow(cmd, tx)).stale:
                return _Followed(new=True, stale=True)  # they have left since: nothing to welcome
            return _Followed(new=True, reply=await answer_invitation(message, tx, WELCOME_TEXT))

        followed = await transact(uow(), work, claim=follow(message, scan=False, plain=WELCOME_TEXT), clash=None)
        if after_follow is not None and followed.new and not followed.stale:
            await after_follow(message.from_user)
        return followed.reply

    @router.event("scan")
    async def on_scan(message: InboundMessage) -> str | None:
        async def work(tx: Transaction) -> _Followed:
            cmd = RecordFollow(message.app_id, message.from_user, message.scene, scan=True, event_at=message.created_at)
            await record_follow(cmd, tx)
            return _Followed(new=True, reply=await answer_invitation(message, tx, None))

        return (await transact(uow(), work, claim=follow(message, scan=True, plain=None), clash=None)).reply

    async def unfollowed_before(_tx: Transaction) -> UnfollowRecorded:
        return UnfollowRecorded(duplicate=True)

    @router.event("unsubscribe")
    async def on_unsubscribe(message: InboundMessage) -> str | None:
        cmd = RecordUnfollow(message.app_id, message.from_user, "unsubscribe", event_at=message.created_at)
        claim = Claim(message.inbox_key, Inbound.UNSUBSCRIBE, unfollowed_before)
        await transact(uow(), lambda tx: record_unfollow(cmd, tx), claim=claim, clash=None)
        return None  # they no longer see anything we send


async def _reported_before(_tx: Transaction) -> TemplateDeliveryRecorded:
    return TemplateDeliveryRecorded(duplicate=True)


def _register_template_reports(router: MessageRouter, uow: Callable[[], UnitOfWork]) -> None:
    @router.event("templatesendjobfinish")
    async def on_template_finished(message: InboundMessage) -> str | None:
        cmd = RecordTemplateDelivery(message.msg_id, message.status)
        claim = Claim(message.inbox_key, Inbound.TEMPLATE_FINISH, _reported_before)
        recorded = await transact(uow(), lambda tx: record_template_delivery(cmd, tx), claim=claim, clash=None)
        # Kept: the msgid may have been recorded meanwhile, after the sender looked for the report.
        if recorded.kept and await apply_kept_report(message.msg_id, uow()) is None:
            # Not an error: the report came before the relay recorded the msgid, and is applied then.
            # No openid logged: the msgid and status are enough to trace it.
            log.info(
                "wechat template report kept until its msgid is recorded",
                extra={"msgid": message.msg_id, "status": message.status},
            )
        return None
