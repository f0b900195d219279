"""Expert-push fixtures' building blocks: a demand in docking, experts who can (or cannot) be reached."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select, update

from bot.bootstrap import Container
from handlers.demands.fields import DemandFields
from handlers.expert_push.policy import ExpertPushPolicy
from handlers.experts.add_expert import AddExpert, add_expert
from handlers.reviews.decide_review import DecideReview, Decision, decide_review
from handlers.staff.add_staff import AddStaff, add_staff
from store.models.auth import MiniProgramBinding
from store.models.demands import Review
from store.models.expert_invitations import ExpertInvitation, ExpertInvitationStatus
from store.models.wechat import WeChatFollower
from tests.demands.conftest import FIELDS, Bench, build_bench
from tests.organisation.conftest import Org
from tests.policies import MEMBERSHIP, SUBJECTS, default_settings

APP_ID = "wx-test-official"
POLICY = ExpertPushPolicy(
    app_id=APP_ID,
    template_id="TPL_EXPERT_PUSH",
    mini_app_id="wx-test-mini",
    demand_page=default_settings().wechat.miniapp_demand_page,
    timezone=default_settings().timezone,
)

PUSH_FIELDS: DemandFields = replace(
    FIELDS,
    title="芯片封装良率提升",
    tech_fields=("010203",),
    description="现有集成电路封装工艺良率偏低，需要先进封装方案，提升封装良率。",
)


async def make_reachable(
    container: Container,
    account_id: int,
    openid: str,
    *,
    app_id: str = APP_ID,
    bound: bool = True,
    following: bool = True,
) -> None:
    """What the invitation flow leaves behind: the follow noted on the invitation, the follower, the binding."""
    now = container.clock.now()
    status = ExpertInvitationStatus.BOUND if bound else ExpertInvitationStatus.FOLLOWED
    async with container.sessionmaker() as session, session.begin():
        await session.execute(
            update(ExpertInvitation)
            .where(ExpertInvitation.account_id == account_id)
            .values(
                status=status, official_openid=openid, followed_at=now, bound_at=now if bound else None, updated_at=now
            )
        )
        found = await session.scalar(
            select(WeChatFollower).where(WeChatFollower.app_id == app_id, WeChatFollower.openid == openid)
        )
        if found is None:
            session.add(
                WeChatFollower(app_id=app_id, openid=openid, subscribed=following, followed_at=now, updated_at=now)
            )
        else:
            found.subscribed = following
        if (
            bound
            and await session.scalar(select(MiniProgramBinding.id).where(MiniProgramBinding.account_id == account_id))
            is None
        ):
            session.add(MiniProgramBinding(account_id=account_id, openid=f"mini-{openid}", created_at=now))


@dataclass
class Desk:
    bench: Bench
    demand_id: int
    centre_admin_id: int
    app_id: str = APP_ID

    @property
    def container(self) -> Container:
        return self.bench.container

    async def expert(
        self,
        name: str,
        mobile: str,
        *,
        fields: tuple[str, ...] = (),
        region: str | None = None,
        intro: str = "",
        employer: str = "",
        openid: str | None = None,
        bound: bool = True,
        following: bool = True,
        admin: int | None = None,
        institution: int | None = None,
    ) -> int:
        added = await add_expert(
            AddExpert(
                admin or self.bench.admin_id,
                institution or self.bench.institution_id,
                name,
                mobile,
                "教授",
                employer,
                intro,
                research_fields=fields,
                region_code=region,
            ),
            self.bench.org.uow,
        )
        if openid is not None:
            await make_reachable(
                self.container, added.account_id, openid, app_id=self.app_id, bound=bound, following=following
            )
        return added.expert_id


async def docking_demand(bench: Bench, fields: DemandFields = PUSH_FIELDS) -> int:
    submitted = await bench.submit(**{f: getattr(fields, f) for f in ("title", "tech_fields", "description")})
    async with bench.container.sessionmaker() as session:
        review = await session.scalar(select(Review.id).where(Review.subject_id == submitted.demand_id))
    assert review is not None
    async with bench.org.uow as uow:
        await decide_review(
            DecideReview(review, 0, Decision.APPROVE, account_id=bench.admin_id), uow, subjects=SUBJECTS
        )
        await uow.commit()
    return submitted.demand_id


async def build_desk(org: Org, app_id: str = APP_ID) -> Desk:
    bench = await build_bench(org)
    boss = await add_staff(
        AddStaff(bench.admin_id, bench.centre_id, "王主任", "13800000006", "主任", True), org.uow, membership=MEMBERSHIP
    )
    return Desk(bench, await docking_demand(bench), boss.account_id, app_id)
