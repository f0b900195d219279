"""Monitoring fixtures: the points world (X in 西湖区 330106, Y in 钱塘区 330114) and a random history written
straight into the ledgers and records, kept in memory as well so tests recompute every figure in Python."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.demands.states import Step
from handlers.points.daily import derive_days
from handlers.reviews.chains import CHAINS, DEMAND_REVIEW, Chain, register_chain
from handlers.reviews.clock import overdue_working_days
from handlers.reviews.deadlines import review_hours
from store.models.demands import Demand, DemandEvent, DemandOrigin, DemandStatus, Review, ReviewEvent, ReviewStatus
from store.models.follow_ups import DemandFollowUp
from store.models.organisation_people import FollowUpKind
from store.models.points import PointEntry, PointEvent, PointEventKind
from tests.api.conftest import Institution, api  # noqa: F401  (fixtures)
from tests.organisation.conftest import org, regions, registry  # noqa: F401  (fixtures)
from tests.points.conftest import Points, points  # noqa: F401  (fixtures)

ZONE = ZoneInfo("Asia/Shanghai")
BASE = datetime(2026, 11, 1, tzinfo=UTC)  # histories spread over the 30 days after


@dataclass(frozen=True)
class Person:
    account: int
    institution: int
    centre: int
    region: str


@dataclass(frozen=True)
class ReviewRow:
    institution: int
    region: str  # the review's own region: mostly its institution's district, sometimes elsewhere in the city
    decided: datetime | None
    status: ReviewStatus
    due: date | None  # of the first stage's clock
    created: datetime


# Where a review lies other than its institution's district: 上城区 (no centre there) and the city's own code.
ELSEWHERE = ("330102", "330100")


@dataclass
class History:
    people: list[Person]
    approvals: list[tuple[int, datetime, Person, int]] = field(default_factory=list)  # demand, at, owner, enterprise
    visits: list[tuple[int, datetime, Person, int, Person, str]] = field(default_factory=list)
    # (follow-up demand, at, demand owner, enterprise, recorder, kind)
    facts: list[tuple[PointEventKind, int, datetime, Person, int]] = field(default_factory=list)  # kind, key, at
    entries: list[tuple[int, datetime, Person]] = field(default_factory=list)  # points, fact time, credited
    reviews: list[ReviewRow] = field(default_factory=list)


def people(p: Points) -> list[Person]:
    return [
        Person(p.x.staff_account, p.x.id, p.x.centre, "330106"),
        Person(p.x.centre_admin_account, p.x.id, p.x.centre, "330106"),
        Person(p.y.staff_account, p.y.id, p.y.centre, "330114"),
        Person(p.y.centre_admin_account, p.y.id, p.y.centre, "330114"),
    ]


def when(rng: random.Random) -> datetime:
    # Whole hours, so a good share fall on either side of a local midnight.
    return BASE + timedelta(hours=rng.randrange(0, 30 * 24))


async def write_history(p: Points, seed: int, size: int = 12) -> History:
    rng = random.Random(seed)
    h = History(people(p))
    enterprises = {p.x.id: p.x.enterprise, p.y.id: p.y.enterprise}
    async with p.org.uow as uow:
        s = uow.session
        now = uow.clock.now()
        for i in range(size):
            owner = rng.choice(h.people)
            enterprise = (
                enterprises[owner.institution] if rng.random() < 0.8 else rng.choice(list(enterprises.values()))
            )
            demand = Demand(
                number=f"T{seed:04d}-{i:05d}",
                title=f"需求{i}",
                enterprise_id=enterprise,
                origin=DemandOrigin.STAFF,
                institution_id=owner.institution,
                centre_id=owner.centre,
                staff_account_id=owner.account,
                created_by=owner.account,
                tech_fields=[],
                description="",
                budget_fen=None,
                region_code=owner.region,
                expected_result="",
                deadline=None,
                fee_ratio_bp=1000,
                attachment_ids=[],
                status=DemandStatus.DOCKING,
                created_at=now,
                updated_at=now,
            )
            s.add(demand)
            await s.flush()
            for _ in range(rng.choice((0, 1, 1, 2))):  # approved again after a return: still one demand
                at = when(rng)
                s.add(
                    DemandEvent(
                        demand_id=demand.id,
                        action=str(Step.APPROVE),
                        from_status="pending_review",
                        to_status="docking",
                        actor="system",
                        actor_name="系统",
                        note="",
                        at=at,
                    )
                )
                h.approvals.append((demand.id, at, owner, enterprise))
            for _ in range(rng.randrange(0, 3)):
                at, who = when(rng), rng.choice(h.people)
                fkind = rng.choice((FollowUpKind.VISIT, FollowUpKind.VISIT, FollowUpKind.PHONE))
                s.add(
                    DemandFollowUp(
                        demand_id=demand.id,
                        account_id=who.account,
                        kind=fkind,
                        occurred_at=at,
                        content="走访",
                        attachment_ids=[],
                        created_at=now,
                    )
                )
                h.visits.append((demand.id, at, owner, enterprise, who, str(fkind)))
            for kind in (PointEventKind.DEMAND_APPROVED, PointEventKind.PROJECT_REGISTERED):
                if rng.random() < 0.5:
                    continue
                at, who = when(rng), rng.choice(h.people)
                key = demand.id if kind == PointEventKind.DEMAND_APPROVED else 10_000 + demand.id
                event = PointEvent(
                    kind=kind,
                    fact_key=f"{kind}:{seed}:{i}",
                    demand_id=demand.id,
                    project_id=key if kind == PointEventKind.PROJECT_REGISTERED else None,
                    account_id=who.account,
                    institution_id=who.institution,
                    centre_id=who.centre,
                    occurred_at=at,
                    recorded_at=now,
                )
                s.add(event)
                await s.flush()
                h.facts.append((kind, key, at, who, demand.id))
                points_ = rng.choice((2, 5, -2, 1))
                s.add(
                    PointEntry(
                        event_id=event.id,
                        rule_set_version=1,
                        points=points_,
                        reason=str(kind),
                        account_id=who.account,
                        institution_id=who.institution,
                        centre_id=who.centre,
                        created_at=now,
                    )
                )
                h.entries.append((points_, at, who))
            if rng.random() < 0.5:
                owner_inst = owner.institution
                status = rng.choice((ReviewStatus.PENDING, ReviewStatus.APPROVED))
                created = when(rng)
                decided = created + timedelta(hours=rng.randrange(1, 200)) if status != ReviewStatus.PENDING else None
                # The clock the review engine folds from its events: opened on submission, closed on decision.
                due = review_due(created)
                # A demand's review carries the demand's region, which need not be its centre's.
                region = ELSEWHERE[i // 3 % 2] if i % 3 == 2 else owner.region
                review = Review(
                    chain=DEMAND_CHAIN,
                    subject_type="monitoring_test",
                    subject_id=demand.id,
                    round=1,
                    title=f"审核{i}",
                    summary="",
                    link="",
                    institution_id=owner_inst,
                    region_code=region,
                    submitter_account_id=owner.account,
                    stage=0,
                    status=status,
                    decided_at=decided,
                    created_at=created,
                    clock_used=0,
                    due_on=due if decided is None else None,
                )
                s.add(review)
                await s.flush()
                for clock_kind, clock_at in (("opened", created), ("closed", decided)):
                    if clock_at is not None:
                        s.add(
                            ReviewEvent(
                                review_id=review.id, stage=0, kind=clock_kind, at=clock_at, on_day=local_day(clock_at)
                            )
                        )
                h.reviews.append(ReviewRow(owner_inst, region, decided, status, due, created))
        # Written past the recorder: the daily rollup is derived from the rows, as a points rebuild derives it.
        await derive_days(s)
        await uow.commit()
    return h


DEMAND_CHAIN = "demand"


def demand_chain() -> Chain:
    """The demand review as the service declares it (registered at start-up; the default if not yet)."""
    return CHAINS.get(DEMAND_CHAIN) or register_chain(DEMAND_REVIEW)


def local_day(at: datetime) -> date:
    return review_hours().local_date(at)


def review_due(created: datetime) -> date:
    """The demand review's first stage, due its limit in working days after the day it opened."""
    limit = demand_chain().stage(0).limit
    assert limit is not None
    return review_hours().calendar.add_working_days(local_day(created), limit)


def overdue_at(due: date, day: date) -> bool:
    return overdue_working_days(due, day, review_hours().calendar) > 0


def local_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        datetime(start.year, start.month, start.day, tzinfo=ZONE),
        datetime(end.year, end.month, end.day, tzinfo=ZONE) + timedelta(days=1),
    )
