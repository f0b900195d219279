"""A second chain declared purely as data — institution admin → city official — runs through the same engine:
approval, return for update, resubmission, two regions, and two officials of one stage pressing together."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest

from handlers.officials.create_official import CreateOfficial, create_official
from handlers.reviews.chains import Chain, Reach, Stage
from handlers.reviews.decide_review import DecideReview, Decision, ReviewDecided, decide_review
from handlers.reviews.start_review import ReviewSubject, start_review
from handlers.reviews.subjects import Decider, SubjectHooks
from store.models.demands import Review, ReviewStatus
from store.models.organisation import Role
from tests.api.conftest import credit_code
from tests.demands.conftest import bind, outbox, tasks_of
from tests.organisation.conftest import Org
from tests.policies import MEMBERSHIP

REGISTRATION = Chain(
    "registration",
    "机构登记审核",
    (
        Stage("机构审核", Role.INSTITUTION_ADMIN, Reach.INSTITUTION),
        Stage("市级审核", Role.OFFICIAL, Reach.CITY),
    ),
)


@dataclass
class Recorder:
    """The subject's side: what the chain's final decisions did."""

    seen: list[tuple[str, int, str, str]] = field(default_factory=list)

    async def seen_by(self, uow: object, review: Review, account_id: int) -> bool:
        return True  # only card presses decide here: they never ask

    async def approved(self, uow: object, review: Review, by: Decider) -> None:
        self.seen.append(("approved", review.subject_id, by.name, ""))

    async def rejected(self, uow: object, review: Review, by: Decider, reason: str) -> None:
        self.seen.append(("rejected", review.subject_id, by.name, reason))

    async def returned(self, uow: object, review: Review, by: Decider, reason: str) -> None:
        self.seen.append(("returned", review.subject_id, by.name, reason))


@dataclass
class Place:
    institution_id: int
    admin_id: int
    region: str


@pytest.fixture
async def places(org: Org) -> dict[str, Place]:
    hz_inst, hz_admin = await org.institution(region="330106")
    nb_inst, nb_admin = await org.institution("宁波技术转移中心", credit_code(2), mobile="13800000011", region="330203")
    for mobile, name, region, userid in [
        ("13800000006", "赵局长", "330100", "dt-zhao"),
        ("13800000007", "钱处长", "330100", "dt-qian"),
        ("13800000008", "孙科长", "330200", "dt-sun"),
    ]:
        created = await create_official(
            CreateOfficial(org.admin_id, name, mobile, region), org.uow, org.regions, membership=MEMBERSHIP
        )
        await bind(org.container, created.account_id, userid)
    await bind(org.container, hz_admin, "dt-hz")
    await bind(org.container, nb_admin, "dt-nb")
    return {"hz": Place(hz_inst, hz_admin, "330106"), "nb": Place(nb_inst, nb_admin, "330203")}


async def start(org: Org, place: Place, subject_id: int) -> Review:
    async with org.uow as uow:
        review = await start_review(
            uow,
            REGISTRATION,
            ReviewSubject(
                "registration",
                subject_id,
                f"登记{subject_id}",
                "年度登记",
                "https://example.com/r",
                place.institution_id,
                place.region,
                place.admin_id,
            ),
        )
        await uow.commit()
        return review


async def decide(org: Org, hooks: SubjectHooks, cmd: DecideReview) -> ReviewDecided:
    async with org.uow as uow:
        decided = await decide_review(
            cmd, uow, chains={REGISTRATION.name: REGISTRATION}, subjects={"registration": hooks}
        )
        await uow.commit()
        return decided


async def reviewers(org: Org, review_id: int, stage: int) -> list[str]:
    return [t.userid or "" for t in await tasks_of(org.container, review_id) if t.stage == stage]


async def test_approval_return_and_resubmission_through_two_stages_in_two_regions(
    org: Org,
    places: dict[str, Place],
) -> None:
    hooks = Recorder()
    hz = await start(org, places["hz"], 1)
    nb = await start(org, places["nb"], 2)
    assert await reviewers(org, hz.id, 0) == ["dt-hz"] and await reviewers(org, nb.id, 0) == ["dt-nb"]

    # Stage 1 approves: the city's officials get the cards, the other city's do not; nothing is final yet.
    advanced = await decide(org, hooks, DecideReview(hz.id, 0, Decision.APPROVE, userid="dt-hz"))
    assert advanced.won and advanced.outcome == "advanced" and hooks.seen == []
    assert sorted(await reviewers(org, hz.id, 1)) == ["dt-qian", "dt-zhao"]
    await decide(org, hooks, DecideReview(nb.id, 0, Decision.APPROVE, userid="dt-nb"))
    assert await reviewers(org, nb.id, 1) == ["dt-sun"]

    # A Ningbo official is no reviewer of Hangzhou's subject.
    with pytest.raises(Exception, match="您不是该环节的审核人"):
        await decide(org, hooks, DecideReview(hz.id, 1, Decision.APPROVE, userid="dt-sun"))

    # Ningbo's official returns theirs; it is resubmitted, goes through both stages again and passes.
    await decide(org, hooks, DecideReview(nb.id, 1, Decision.RETURN, "缺少年报附件", userid="dt-sun"))
    assert hooks.seen == [("returned", 2, "孙科长", "缺少年报附件")]
    again = await start(org, places["nb"], 2)
    assert again.round == 2 and await reviewers(org, again.id, 0) == ["dt-nb"]
    await decide(org, hooks, DecideReview(again.id, 0, Decision.APPROVE, userid="dt-nb"))
    await decide(org, hooks, DecideReview(again.id, 1, Decision.APPROVE, userid="dt-sun"))
    assert hooks.seen[-1] == ("approved", 2, "孙科长", "")

    # Two Hangzhou officials press at the same moment: exactly one decision; the other sees who decided.
    results = await asyncio.gather(
        decide(org, hooks, DecideReview(hz.id, 1, Decision.APPROVE, userid="dt-zhao")),
        decide(org, hooks, DecideReview(hz.id, 1, Decision.REJECT, "材料不全", userid="dt-qian")),
        return_exceptions=True,
    )
    decided = [r for r in results if isinstance(r, ReviewDecided)]
    assert len(decided) == 2, results
    [winner] = [r for r in decided if r.won]
    [loser] = [r for r in decided if not r.won]
    assert loser.status == winner.status and winner.status.startswith(("已由赵局长通过", "已由钱处长驳回"))
    assert [s for s in hooks.seen if s[1] == 1] in (
        [("approved", 1, "赵局长", "")],
        [("rejected", 1, "钱处长", "材料不全")],
    )
    async with org.container.sessionmaker() as session:
        row = await session.get(Review, hz.id)
        assert row is not None and row.status in (ReviewStatus.APPROVED, ReviewStatus.REJECTED)
    # Both officials' cards say who decided; the Ningbo official never heard of Hangzhou's subject.
    updates = [
        m
        for m in await outbox(org.container, "dingtalk.card_update")
        if m.payload["out_track_id"].startswith(f"review-{hz.id}-1-")
    ]
    assert len(updates) == 2 and {u.payload["card_data"]["status"] for u in updates} == {winner.status}
    assert all(
        m.payload["card_data"]["title"] != "登记1" for m in await outbox(org.container, "dingtalk.card", "dt-sun")
    )
