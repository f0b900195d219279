"""The follow that brings an invitation's QR scene: subscribe carries `qrscene_` + scene, SCAN the bare scene."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.wechat.listeners import build_router
from bot.wechat.router import InboundMessage
from cards.expert_invitation import ALREADY_BOUND_TEXT, INVITATION_EXPIRED_TEXT
from cards.official_account import WELCOME_TEXT
from handlers.clock import ManualClock
from handlers.expert_invitations.accept_expert_invitation import BindLink
from handlers.experts.add_expert import AddExpert, add_expert
from store.models.audit import AuditEntry
from store.models.expert_invitations import ExpertInvitation, ExpertInvitationStatus
from store.models.outbox import OutboxMessage
from store.models.wechat import WeChatInbox
from tests.organisation.conftest import Org

APP = "wx-oa"
LINK = BindLink("wx-mini", "pages/bind/index", "https://kz.example.cn")
T0 = 1_800_000_000


def _push(event: str, key: str, *, openid: str = "o-qian", at: int = T0) -> InboundMessage:
    return InboundMessage(APP, "gh_kz", openid, at, "event", event=event, event_key=key)


async def _invited(org: Org) -> ExpertInvitation:
    inst, admin = await org.institution()
    await add_expert(AddExpert(admin, inst, "钱学者", "13912345678"), org.uow)
    async with org.container.sessionmaker() as session:
        return (await session.scalars(select(ExpertInvitation))).one()


async def _state(org: Org) -> tuple[ExpertInvitation, list[OutboxMessage], int]:
    async with org.container.sessionmaker() as session:
        invitation = (await session.scalars(select(ExpertInvitation))).one()
        custom = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "wechat.custom")))
        followed = await session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.aggregate_type == "expert_invitation", AuditEntry.action == "followed")
        )
    return invitation, custom, int(followed or 0)


async def test_subscribe_with_the_prefixed_scene_sends_the_bind_message(org: Org) -> None:
    invitation = await _invited(org)
    router = build_router(org.container.uow, bind_link=LINK)
    reply = await router.dispatch(_push("subscribe", f"qrscene_{invitation.scene}"))
    assert reply is None  # the bind message is a customer-service message, not the passive reply
    invitation, [custom], followed = await _state(org)
    assert invitation.status == ExpertInvitationStatus.FOLLOWED and invitation.official_openid == "o-qian"
    text = custom.payload["text"]["content"]
    assert custom.recipient == "o-qian" and custom.payload["msgtype"] == "text"
    assert "前往绑定信息</a>" in text and 'data-miniprogram-appid="wx-mini"' in text
    token = invitation.scene.removeprefix("inv:")
    assert f'data-miniprogram-path="pages/bind/index?invitation={token}"' in text
    assert followed == 1


async def test_scan_carries_the_bare_scene(org: Org) -> None:
    invitation = await _invited(org)
    router = build_router(org.container.uow, bind_link=LINK)
    assert await router.dispatch(_push("SCAN".lower(), invitation.scene)) is None
    invitation, custom, _ = await _state(org)
    assert invitation.status == ExpertInvitationStatus.FOLLOWED and len(custom) == 1


async def test_a_subscribe_without_the_prefix_or_without_a_scene_is_a_plain_follow(org: Org) -> None:
    invitation = await _invited(org)
    router = build_router(org.container.uow, bind_link=LINK)
    assert await router.dispatch(_push("subscribe", invitation.scene)) == WELCOME_TEXT
    assert await router.dispatch(_push("subscribe", "", at=T0 + 1)) == WELCOME_TEXT
    assert await router.dispatch(_push("subscribe", "qrscene_inv:never-issued", at=T0 + 2)) == WELCOME_TEXT
    invitation, custom, _ = await _state(org)
    assert invitation.status == ExpertInvitationStatus.PENDING and custom == []


async def test_a_retried_push_changes_nothing_and_a_second_scan_repeats_the_message(
    org: Org, clock: ManualClock
) -> None:
    invitation = await _invited(org)
    router = build_router(org.container.uow, bind_link=LINK)
    push = _push("subscribe", f"qrscene_{invitation.scene}")
    await router.dispatch(push)
    await router.dispatch(push)  # WeChat's retry of the same push
    first, custom, followed = await _state(org)
    assert len(custom) == 1 and followed == 1
    async with org.container.sessionmaker() as session:  # the follow and the invitation: one push, one key
        assert list(await session.scalars(select(WeChatInbox.key))) == [push.inbox_key]
    clock.advance(60)
    await router.dispatch(_push("scan", invitation.scene, at=T0 + 60))  # they scan again later
    again, custom, followed = await _state(org)
    assert again.status == ExpertInvitationStatus.FOLLOWED and again.followed_at == first.followed_at
    assert len(custom) == 2 and followed == 1


async def test_an_expired_or_bound_invitation_says_so(org: Org, clock: ManualClock) -> None:
    invitation = await _invited(org)
    router = build_router(org.container.uow, bind_link=LINK)
    clock.advance(2_592_000)
    assert await router.dispatch(_push("subscribe", f"qrscene_{invitation.scene}")) == INVITATION_EXPIRED_TEXT
    expired, custom, _ = await _state(org)
    assert expired.status == ExpertInvitationStatus.EXPIRED and custom == []

    async with org.uow as uow:
        row = await uow.session.get(ExpertInvitation, invitation.id)
        assert row is not None
        row.status = ExpertInvitationStatus.BOUND
        await uow.commit()
    assert await router.dispatch(_push("scan", invitation.scene, at=T0 + 5)) == ALREADY_BOUND_TEXT
