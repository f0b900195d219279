"""What the official account does with each push: translate it into a use case, answer in Chinese."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.wechat.router import InboundMessage, MessageRouter
from cards.expert_invitation import ALREADY_BOUND_TEXT, INVITATION_EXPIRED_TEXT
from handlers.expert_channel.answer_bind_request import AnswerBindRequest, answer_bind_request
from handlers.expert_channel.answer_my_dockings import AnswerMyDockings, answer_my_dockings
from handlers.expert_channel.answer_my_subscriptions import AnswerMySubscriptions, answer_my_subscriptions
from handlers.expert_invitations.accept_expert_invitation import (
    AcceptExpertInvitation,
    BindLink,
    InvitationOutcome,
    accept_expert_invitation,
    is_invitation_scene,
)
from handlers.wechat.record_follow import RecordFollow, record_follow
from handlers.wechat.record_template_delivery import RecordTemplateDelivery, record_template_delivery
from handlers.wechat.record_unfollow import RecordUnfollow, record_unfollow
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

    async def answer_follow(message: InboundMessage, plain: str | None) -> str | None:
        """`plain` is the answer to a follow or scan that brings no invitation of ours."""
        if bind_link is None or not is_invitation_scene(message.scene):
            return plain
        outcome = await accept_expert_invitation(
            AcceptExpertInvitation(
                message.app_id,
                message.from_user,
                message.scene,
                message.inbox_key,
                bind_link,
                event_at=message.created_at,
            ),
            uow(),
        )
        if outcome == InvitationOutcome.UNKNOWN:
            return plain
        return _INVITATION_REPLIES.get(outcome)

    @router.keyword(*HELP_KEYWORDS)
    async def on_help(_message: InboundMessage) -> str | None:
        return HELP_TEXT  # no side effect: answered without a database or Redis round trip

    @router.menu(HELP_MENU_KEY)
    async def on_help_menu(_message: InboundMessage) -> str | None:
        return HELP_TEXT

    @router.keyword(*BIND_KEYWORDS)
    @router.menu(BIND_MENU_KEY)
    async def on_bind(message: InboundMessage) -> str | None:
        return await answer_bind_request(
            AnswerBindRequest(message.app_id, message.from_user, message.inbox_key, bind_link), uow()
        )

    @router.keyword(*MY_DOCKINGS_KEYWORDS)
    @router.menu(MY_DOCKINGS_MENU_KEY)
    async def on_my_dockings(message: InboundMessage) -> str | None:
        return await answer_my_dockings(AnswerMyDockings(message.app_id, message.from_user), uow())

    @router.keyword(*MY_SUBSCRIPTIONS_KEYWORDS)
    @router.menu(MY_SUBSCRIPTIONS_MENU_KEY)
    async def on_my_subscriptions(message: InboundMessage) -> str | None:
        return await answer_my_subscriptions(AnswerMySubscriptions(message.app_id, message.from_user), uow())

    @router.text
    async def on_text(_message: InboundMessage) -> str | None:
        return FALLBACK_TEXT

    @router.event("subscribe")
    async def on_subscribe(message: InboundMessage) -> str | None:
        recorded = await record_follow(
            RecordFollow(
                message.app_id, message.from_user, message.scene, message.inbox_key, event_at=message.created_at
            ),
            uow(),
        )
        if recorded.stale:
            return None  # they have left since: nothing to welcome
        if after_follow is not None and not recorded.duplicate:
            await after_follow(message.from_user)
        return await answer_follow(message, WELCOME_TEXT)

    @router.event("scan")
    async def on_scan(message: InboundMessage) -> str | None:
        await record_follow(
            RecordFollow(
                message.app_id,
                message.from_user,
                message.scene,
                message.inbox_key,
                scan=True,
                event_at=message.created_at,
            ),
            uow(),
        )
        return await answer_follow(message, None)

    @router.event("unsubscribe")
    async def on_unsubscribe(message: InboundMessage) -> str | None:
        await record_unfollow(
            RecordUnfollow(
                message.app_id, message.from_user, "unsubscribe", message.inbox_key, event_at=message.created_at
            ),
            uow(),
        )
        return None  # they no longer see anything we send

    @router.event("templatesendjobfinish")
    async def on_template_finished(message: InboundMessage) -> str | None:
        recorded = await record_template_delivery(
            RecordTemplateDelivery(message.msg_id, message.status, message.inbox_key), uow()
        )
        if recorded.kept:
            # Not an error: the report came before the relay recorded the msgid, and is applied then.
            # No openid logged: the msgid and status are enough to trace it.
            log.info(
                "wechat template report kept until its msgid is recorded",
                extra={"msgid": message.msg_id, "status": message.status},
            )
        return None

    return router
