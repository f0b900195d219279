"""陈教授 follows the sandbox official account, is bound in the mini-program and subscribes to two fields, so
the console's 「触发每日推送」 sends him the approved demo demand in 软件 (the demo demands come first)."""

from __future__ import annotations

from sqlalchemy import select

from handlers.expert_digest.subscriptions import ReplaceSubscriptions, replace_subscriptions
from sandbox.demo import DemoContext, demo_seed
from sandbox.wechat.credentials import SANDBOX_ACCOUNT
from store.models.auth import MiniProgramBinding
from store.models.expert_digest import ExpertSubscription
from store.models.expert_invitations import ExpertInvitation, ExpertInvitationStatus
from store.models.organisation import Account
from store.models.organisation_people import Expert
from store.models.wechat import WeChatFollower

CHEN_MOBILE, CHEN_OPENID = "13800000005", "o-chen"
FIELDS = ("04", "0101")  # 新材料, 软件


@demo_seed("expert-digest", order=20)
async def seed_subscribed_expert(ctx: DemoContext) -> None:
    ctx.sandbox.wechat_followers.add(CHEN_OPENID)  # the platform fake's side, every start
    async with ctx.uow() as uow:
        found = (
            await uow.session.execute(
                select(Account.id, Expert.id)
                .join(Expert, Expert.account_id == Account.id)
                .where(Account.mobile == CHEN_MOBILE)
            )
        ).one_or_none()
        if found is None:
            return
        account_id, expert_id = found
        if (
            await uow.session.scalar(
                select(ExpertSubscription.id).where(ExpertSubscription.expert_id == expert_id).limit(1)
            )
            is not None
        ):
            return  # seeded before, in this database
        now = uow.clock.now()
        # What following with the invitation's QR code and binding in the mini-program leave behind.
        for invitation in await uow.session.scalars(
            select(ExpertInvitation).where(ExpertInvitation.account_id == account_id)
        ):
            invitation.status, invitation.official_openid = ExpertInvitationStatus.BOUND, CHEN_OPENID
            invitation.followed_at = invitation.bound_at = invitation.updated_at = now
        uow.session.add(
            WeChatFollower(
                app_id=SANDBOX_ACCOUNT.app_id,
                openid=CHEN_OPENID,
                unionid=f"u-{CHEN_OPENID}",
                subscribed=True,
                scene=None,
                followed_at=now,
                unfollowed_at=None,
                unfollow_reason=None,
                binding_error=None,
                binding_error_at=None,
                last_event_at=None,
                updated_at=now,
            )
        )
        uow.session.add(
            MiniProgramBinding(
                account_id=account_id, openid=f"mini-{CHEN_OPENID}", unionid=f"u-{CHEN_OPENID}", created_at=now
            )
        )
        await uow.commit()
    await replace_subscriptions(ReplaceSubscriptions(account_id, FIELDS), ctx.uow())
