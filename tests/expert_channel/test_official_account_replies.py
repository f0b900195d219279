"""「我的对接」 and 「我的订阅」 on the official account, by keyword and by menu click through the router: the bound
expert hears what they dock and which fields they subscribe to; a follower who is not bound is told to bind first."""

from __future__ import annotations

from sqlalchemy import select

from bot.wechat.listeners import build_router
from bot.wechat.router import InboundMessage
from cards.official_account import CONTACT_NOT_EXPERT_TEXT, NOT_BOUND_TEXT
from handlers.enterprises.add_enterprise_contact import AddEnterpriseContact, add_enterprise_contact
from handlers.expert_channel.answer_my_dockings import AnswerMyDockings, answer_my_dockings
from handlers.expert_channel.dock_demand import DockDemand, dock_demand
from handlers.expert_channel.undock_demand import UndockDemand, undock_demand
from handlers.expert_digest.subscriptions import ReplaceSubscriptions, replace_subscriptions
from handlers.expert_invitations.accept_expert_invitation import BindLink
from store.models.auth import MiniProgramBinding
from store.models.organisation_people import EnterpriseContact
from store.models.outbox import OutboxMessage
from store.models.wechat import WeChatFollower
from tests.expert_channel.conftest import ExpertWorld, approved, build_expert_world
from tests.organisation.conftest import Org, org, regions, registry  # noqa: F401  (fixtures)
from tests.policies import DEMANDS

APP = "wx-oa"


async def _followed_and_bound(org: Org) -> ExpertWorld:  # noqa: F811
    w = await build_expert_world(org)
    c = w.container
    now = c.clock.now()
    async with c.sessionmaker() as session, session.begin():  # followed, and bound with the same unionid
        session.add(
            WeChatFollower(
                app_id=APP, openid="o-wang", unionid="u-wang", subscribed=True, followed_at=now, updated_at=now
            )
        )
        session.add(WeChatFollower(app_id=APP, openid="o-stranger", subscribed=True, followed_at=now, updated_at=now))
    async with c.sessionmaker() as session, session.begin():
        session.add(
            MiniProgramBinding(account_id=w.expert_account, openid="mini-wang", unionid="u-wang", created_at=now)
        )
    return w


async def test_my_dockings_reply(org: Org) -> None:  # noqa: F811
    w = await _followed_and_bound(org)
    uow = org.uow

    ask = AnswerMyDockings(APP, "o-wang")
    assert "还没有对接需求" in await answer_my_dockings(ask, uow)
    first = await approved(w.a, title="晶圆键合工艺优化")
    second = await approved(w.b, title="柔性传感器封装")
    for demand in (first, second):
        await dock_demand(DockDemand(w.expert_account, demand), uow, DEMANDS)
    reply = await answer_my_dockings(ask, uow)
    assert "您正在对接 2 条需求" in reply and "晶圆键合工艺优化" in reply and "柔性传感器封装" in reply
    await undock_demand(UndockDemand(w.expert_account, first), uow)
    reply = await answer_my_dockings(ask, uow)
    assert "您正在对接 1 条需求" in reply and "晶圆键合工艺优化" not in reply

    assert await answer_my_dockings(AnswerMyDockings(APP, "o-stranger"), uow) == NOT_BOUND_TEXT


def _message(openid: str, **fields: str) -> InboundMessage:
    return InboundMessage(app_id=APP, to_user="gh_kz", from_user=openid, create_time=1_700_000_000, **fields)


async def test_my_subscriptions_by_keyword_and_menu(org: Org) -> None:  # noqa: F811
    w = await _followed_and_bound(org)
    router = build_router(w.container.uow)
    by_keyword = _message("o-wang", msg_type="text", content="我的订阅", msg_id="1")
    by_menu = _message("o-wang", msg_type="event", event="click", event_key="my_subscriptions")
    assert "还没有订阅技术领域" in (await router.dispatch(by_keyword) or "")
    await replace_subscriptions(ReplaceSubscriptions(w.expert_account, ("0101", "04")), org.uow)
    for message in (by_keyword, by_menu):
        reply = await router.dispatch(message) or ""
        assert "您订阅了以下技术领域" in reply and "软件" in reply and "新材料" in reply, reply
    docks = await router.dispatch(_message("o-wang", msg_type="event", event="click", event_key="my_dockings"))
    assert "还没有对接需求" in (docks or "")
    stranger = _message("o-stranger", msg_type="event", event="click", event_key="my_subscriptions")
    assert await router.dispatch(stranger) == NOT_BOUND_TEXT


async def test_a_bound_enterprise_contact_is_answered_as_a_contact(org: Org) -> None:  # noqa: F811
    """A contact bound in the mini-program who follows the official account is not told to bind as an expert:
    「绑定」 names them a contact and says what a contact can do; the expert-only replies say they are for experts."""
    w = await _followed_and_bound(org)
    c = w.container
    await add_enterprise_contact(
        AddEnterpriseContact(w.a.admin_id, w.a.enterprise_id, "陈经理", "总经理", "13900000077"), org.uow
    )
    now = c.clock.now()
    async with c.sessionmaker() as session, session.begin():
        contact = await session.scalar(select(EnterpriseContact.account_id).where(EnterpriseContact.name == "陈经理"))
        assert contact is not None
        session.add(
            WeChatFollower(
                app_id=APP, openid="o-chen", unionid="u-chen", subscribed=True, followed_at=now, updated_at=now
            )
        )
        session.add(MiniProgramBinding(account_id=contact, openid="mini-chen", unionid="u-chen", created_at=now))
    router = build_router(c.uow)
    bound = await router.dispatch(_message("o-chen", msg_type="text", content="绑定", msg_id="7")) or ""
    assert bound.startswith("您已绑定企业联系人身份：陈经理。") and "发布需求" in bound and "专家" not in bound, bound
    for key in ("my_dockings", "my_subscriptions"):
        reply = await router.dispatch(_message("o-chen", msg_type="event", event="click", event_key=key))
        assert reply == CONTACT_NOT_EXPERT_TEXT
    # The expert still hears as an expert.
    expert = await router.dispatch(_message("o-wang", msg_type="text", content="绑定", msg_id="8")) or ""
    assert expert.startswith("您已绑定专家身份：") and "对接需求" in expert and "企业联系人" not in expert, expert


async def test_a_retried_bind_push_sends_the_link_once_and_is_answered_alike(org: Org) -> None:  # noqa: F811
    w = await _followed_and_bound(org)
    c = w.container
    router = build_router(c.uow, bind_link=BindLink("wx-mini", "pages/bind/index", "https://kz.example.cn"))
    ask = _message("o-stranger", msg_type="text", content="绑定", msg_id="9")
    assert await router.dispatch(ask) is None and await router.dispatch(ask) is None  # WeChat's retry
    async with c.sessionmaker() as session:
        links = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "o-stranger")))
    assert [m.channel for m in links] == ["wechat.custom"]
    # A bound person's retried push is answered as the first time.
    bound = _message("o-wang", msg_type="event", event="click", event_key="bind")
    first = await router.dispatch(bound) or ""
    assert first.startswith("您已绑定专家身份：") and await router.dispatch(bound) == first


def test_the_texts_name_each_role_and_what_it_can_do() -> None:
    from cards.official_account import NO_ROLE_TEXT, WeChatRoles, bound_text, greeting

    both = greeting("王工", WeChatRoles(expert=True, contact=True))
    assert both.startswith("王工，欢迎您以专家、企业联系人身份使用科转小程序！作为专家，您可以")
    assert "；作为企业联系人，您可以" in both
    assert bound_text("王工", WeChatRoles(expert=False, contact=False)) == f"您已绑定账号：王工。{NO_ROLE_TEXT}"
    assert greeting("王工", WeChatRoles(expert=False, contact=False)) == f"王工，欢迎使用科转小程序！{NO_ROLE_TEXT}"
