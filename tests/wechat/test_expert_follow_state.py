"""Which follower an expert is: by the invitation scene they followed with, or by a shared unionid."""

from __future__ import annotations

from datetime import timedelta

from bot.bootstrap import Container
from handlers.expert_channel.official_account import follow_state
from store.models.auth import MiniProgramBinding
from store.models.expert_invitations import ExpertInvitation, ExpertInvitationStatus
from store.models.organisation import Account, AccountStatus
from store.models.wechat import WeChatFollower
from tests.organisation.conftest import Org, org, regions, registry  # noqa: F401

APP = "wx-oa"


async def _people(container: Container, institution_id: int) -> tuple[int, int, int]:
    now = container.clock.now()
    async with container.sessionmaker() as session, session.begin():
        accounts = [
            Account(name=n, mobile=m, status=AccountStatus.ACTIVE, created_at=now, updated_at=now)
            for n, m in (("陈教授", "13700000001"), ("吴研究员", "13700000002"), ("王工", "13700000003"))
        ]
        session.add_all(accounts)
        await session.flush()
        chen, wu, wang = (a.id for a in accounts)
        session.add(
            ExpertInvitation(
                account_id=chen,
                institution_id=institution_id,
                scene="s-chen",
                status=ExpertInvitationStatus.BOUND,
                official_openid="o-chen",
                created_at=now,
                expires_at=now + timedelta(days=30),
                followed_at=now,
                bound_at=now,
                updated_at=now,
            )
        )
        session.add(MiniProgramBinding(account_id=wu, openid="mini-wu", unionid="u-wu", created_at=now))
        session.add_all(
            [
                WeChatFollower(
                    app_id=APP,
                    openid="o-chen",
                    subscribed=False,
                    followed_at=now,
                    unfollowed_at=now + timedelta(hours=1),
                    unfollow_reason="unsubscribe",
                    updated_at=now,
                ),
                WeChatFollower(
                    app_id=APP, openid="o-wu", unionid="u-wu", subscribed=True, followed_at=now, updated_at=now
                ),
                WeChatFollower(app_id="wx-other", openid="o-wang", unionid=None, subscribed=True, updated_at=now),
            ]
        )
    return chen, wu, wang


async def test_follow_state_by_invitation_scene_and_by_unionid(org: Org) -> None:  # noqa: F811
    container = org.container
    institution_id, _admin = await org.institution()
    chen, wu, wang = await _people(container, institution_id)
    async with container.sessionmaker() as session:
        chen_state = await follow_state(session, chen, APP)
        wu_state = await follow_state(session, wu, APP)
        wang_state = await follow_state(session, wang, APP)
    assert (chen_state.openid, chen_state.following, chen_state.label) == ("o-chen", False, "已取消关注公众号")
    assert chen_state.since == container.clock.now() + timedelta(hours=1)
    assert (wu_state.openid, wu_state.following, wu_state.label) == ("o-wu", True, "已关注公众号")
    assert (wang_state.openid, wang_state.label) == (None, "未关注公众号")  # another account's follower is not theirs
