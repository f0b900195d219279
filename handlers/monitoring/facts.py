"""The rows each figure counts, as one SELECT per measure with the same labelled columns, so a figure (an
aggregate over them, GROUP BY the unit) and its drill-down (the rows themselves) can never disagree.

Columns of every fact query:
  key         what is counted distinct (a demand, a project, an enterprise…); for points the entry
  value       what is summed (the entry's points) — 1 elsewhere
  institution_id, centre_id, account_id, region_code   where the fact belongs (None where it has no such unit)
  ref_id, code, title, at   the row a person sees when drilling down

Attribution: what the points ledger records (`point_events`: deals, demands found; `point_entries`: points)
carries the institution and centre of the time of the fact, so a later move or departure does not move it.
Demands docked and visits follow the demand's institution and centre; reviews their own institution and region.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Select, literal, null, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import cast
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Integer, String

from handlers.demands.states import Step
from handlers.monitoring.period import Window
from store.models.demands import Demand, DemandEvent, Review
from store.models.follow_ups import DemandFollowUp
from store.models.organisation import Account, Centre, StaffMember
from store.models.organisation_people import Enterprise, ExpertLink, FollowUpKind
from store.models.points import PointEntry, PointEvent, PointEventKind
from store.models.projects import ProjectRegistration


class Measure(StrEnum):
    CENTRES = "centres"
    EXPERTS = "experts"
    STAFF = "staff"
    DEMANDS_DOCKED = "demands_docked"
    DEMANDS_FOUND = "demands_found"
    DEALS = "deals"
    POINTS = "points"
    VISITS = "visits"
    REVIEWS_DECIDED = "reviews_decided"
    REVIEW_HOURS = "review_hours"  # average turnaround of the reviews decided, whole hours
    REVIEWS_OVERDUE = "reviews_overdue"


# Chinese column headers, for the page and the Excel file alike.
LABELS: dict[Measure, str] = {
    Measure.CENTRES: "地方转移中心数",
    Measure.EXPERTS: "专家数量",
    Measure.STAFF: "技转人员数量",
    Measure.DEMANDS_DOCKED: "对接需求数",
    Measure.DEMANDS_FOUND: "摸排需求数",
    Measure.DEALS: "成交项目数",
    Measure.POINTS: "累计积分",
    Measure.VISITS: "走访企业数",
    Measure.REVIEWS_DECIDED: "已审核数",
    Measure.REVIEW_HOURS: "平均审核用时（小时）",
    Measure.REVIEWS_OVERDUE: "超期未审数",
}

# What the drill-down rows are (the page titles its list with it).
ROW_KINDS: dict[Measure, str] = {
    Measure.CENTRES: "centre",
    Measure.EXPERTS: "expert",
    Measure.STAFF: "staff_member",
    Measure.DEMANDS_DOCKED: "demand",
    Measure.DEMANDS_FOUND: "demand",
    Measure.DEALS: "project",
    Measure.POINTS: "point_entry",
    Measure.VISITS: "follow_up",
    Measure.REVIEWS_DECIDED: "review",
    Measure.REVIEW_HOURS: "review",
    Measure.REVIEWS_OVERDUE: "review",
}

# Counted distinct (a demand approved twice is one demand docked); POINTS is a sum.
SUMMED = frozenset({Measure.POINTS, Measure.REVIEW_HOURS})
# Shown as an average: the sum divided by the count of another measure over the same rows (whole hours, floored).
AVERAGED = {Measure.REVIEW_HOURS: Measure.REVIEWS_DECIDED}
# What one region's figures add up to its parent's: each thing counted belongs to one centre (or one review's
# region). Not visits: one enterprise visited in two districts is one enterprise of the city.
ADDITIVE = frozenset(Measure) - {Measure.VISITS}


def facts(measure: Measure, w: Window) -> Select[Any]:
    return _BUILDERS[measure](w)


def _row(
    key: Any,
    value: Any,
    institution: Any,
    centre: Any,
    account: Any,
    region: Any,
    ref_id: Any,
    code: Any,
    title: Any,
    at: Any,
) -> list[Any]:
    return [
        key.label("key"),
        value.label("value"),
        institution.label("institution_id"),
        centre.label("centre_id"),
        account.label("account_id"),
        region.label("region_code"),
        ref_id.label("ref_id"),
        code.label("code"),
        title.label("title"),
        at.label("at"),
    ]


def _one() -> Any:
    return literal(1, Integer)


def _none(kind: type[Integer] | type[String] = Integer) -> Any:
    return cast(null(), kind())


def _centres(w: Window) -> Select[Any]:
    return select(
        *_row(
            Centre.id,
            _one(),
            Centre.institution_id,
            Centre.id,
            _none(),
            Centre.region_code,
            Centre.id,
            literal("", String),
            Centre.name,
            Centre.created_at,
        )
    ).where(Centre.created_at < w.after)


def _experts(w: Window) -> Select[Any]:
    return (
        select(
            *_row(
                ExpertLink.expert_id,
                _one(),
                ExpertLink.institution_id,
                _none(),
                _none(),
                _none(String),
                ExpertLink.expert_id,
                literal("", String),
                Account.name,
                ExpertLink.created_at,
            )
        )
        .outerjoin(Account, Account.id == ExpertLink.added_by)
        .where(ExpertLink.created_at < w.after)
    )


def _staff(w: Window) -> Select[Any]:
    # On the staff at the end of the period: joined before it ended, not left by then.
    return (
        select(
            *_row(
                StaffMember.id,
                _one(),
                StaffMember.institution_id,
                StaffMember.centre_id,
                StaffMember.account_id,
                Centre.region_code,
                StaffMember.id,
                StaffMember.position,
                Account.name,
                StaffMember.created_at,
            )
        )
        .join(Centre, Centre.id == StaffMember.centre_id)
        .join(Account, Account.id == StaffMember.account_id)
        .where(
            StaffMember.created_at < w.after,
            or_(StaffMember.left_at.is_(None), StaffMember.left_at >= w.after),
        )
    )


def _demands_docked(w: Window) -> Select[Any]:
    # A demand enters docking when its review approves it (the timeline's `approve` step).
    return (
        select(
            *_row(
                Demand.id,
                _one(),
                Demand.institution_id,
                Demand.centre_id,
                Demand.staff_account_id,
                Centre.region_code,
                Demand.id,
                Demand.number,
                Demand.title,
                DemandEvent.at,
            )
        )
        .select_from(DemandEvent)
        .join(Demand, Demand.id == DemandEvent.demand_id)
        .outerjoin(Centre, Centre.id == Demand.centre_id)
        .where(DemandEvent.action == str(Step.APPROVE), DemandEvent.at >= w.start, DemandEvent.at < w.after)
    )


def _point_facts(kind: PointEventKind, w: Window) -> Select[Any]:
    key = PointEvent.project_id if kind == PointEventKind.PROJECT_REGISTERED else PointEvent.demand_id
    title = ProjectRegistration.name if kind == PointEventKind.PROJECT_REGISTERED else Demand.title
    query = (
        select(
            *_row(
                key,
                _one(),
                PointEvent.institution_id,
                PointEvent.centre_id,
                PointEvent.account_id,
                Centre.region_code,
                key,
                Demand.number,
                title,
                PointEvent.occurred_at,
            )
        )
        .select_from(PointEvent)
        .join(Centre, Centre.id == PointEvent.centre_id)
        .outerjoin(Demand, Demand.id == PointEvent.demand_id)
    )
    if kind == PointEventKind.PROJECT_REGISTERED:
        query = query.outerjoin(ProjectRegistration, ProjectRegistration.id == PointEvent.project_id)
    return query.where(PointEvent.kind == kind, PointEvent.occurred_at >= w.start, PointEvent.occurred_at < w.after)


def _points(w: Window) -> Select[Any]:
    # An entry counts on the day of the fact it scores (a rebuild re-dates entries, never facts).
    return (
        select(
            *_row(
                PointEntry.id,
                PointEntry.points,
                PointEntry.institution_id,
                PointEntry.centre_id,
                PointEntry.account_id,
                Centre.region_code,
                PointEntry.id,
                PointEntry.reason,
                Account.name,
                PointEvent.occurred_at,
            )
        )
        .select_from(PointEntry)
        .join(PointEvent, PointEvent.id == PointEntry.event_id)
        .join(Centre, Centre.id == PointEntry.centre_id)
        # Outer joins for what only the drill-down shows: PostgreSQL drops them from the aggregates.
        .outerjoin(Account, Account.id == PointEntry.account_id)
        .where(PointEvent.occurred_at >= w.start, PointEvent.occurred_at < w.after)
    )


def _visits(w: Window) -> Select[Any]:
    # 走访企业数: enterprises visited (a follow-up of kind visit), each enterprise once per unit.
    return (
        select(
            *_row(
                Demand.enterprise_id,
                _one(),
                Demand.institution_id,
                Demand.centre_id,
                DemandFollowUp.account_id,
                Centre.region_code,
                DemandFollowUp.id,
                Demand.number,
                Enterprise.name,
                DemandFollowUp.occurred_at,
            )
        )
        .select_from(DemandFollowUp)
        .join(Demand, Demand.id == DemandFollowUp.demand_id)
        .outerjoin(Enterprise, Enterprise.id == Demand.enterprise_id)
        .outerjoin(Centre, Centre.id == Demand.centre_id)
        .where(
            DemandFollowUp.kind == FollowUpKind.VISIT,
            DemandFollowUp.occurred_at >= w.start,
            DemandFollowUp.occurred_at < w.after,
        )
    )


def _review_row(at: Any) -> list[Any]:
    return _row(
        Review.id,
        _one(),
        Review.institution_id,
        _none(),
        _none(),
        Review.region_code,
        Review.id,
        Review.chain,
        Review.title,
        at,
    )


def _reviews_decided(w: Window) -> Select[Any]:
    return select(*_review_row(Review.decided_at)).where(
        Review.decided_at.is_not(None), Review.decided_at >= w.start, Review.decided_at < w.after
    )


def _review_hours(w: Window) -> Select[Any]:
    # Each decided review adds the whole hours from its submission (the round's start) to its decision.
    row = _review_row(Review.decided_at)
    row[1] = hours_between(Review.created_at, Review.decided_at).label("value")
    return select(*row).where(Review.decided_at.is_not(None), Review.decided_at >= w.start, Review.decided_at < w.after)


class hours_between(FunctionElement[int]):  # noqa: N801  (an SQL function's name)
    """Whole hours from the first timestamp to the second, truncated, on either backend."""

    type = Integer()
    inherit_cache = True
    name = "hours_between"


@compiles(hours_between, "sqlite")
def _hours_sqlite(element: hours_between, compiler: SQLCompiler, **kw: Any) -> str:
    a, b = (compiler.process(c, **kw) for c in element.clauses)
    # Whole minutes first: julianday's float would make 5 hours 4.999…
    return f"(CAST(ROUND((julianday({b}) - julianday({a})) * 1440) AS INTEGER) / 60)"


@compiles(hours_between, "postgresql")
def _hours_postgresql(element: hours_between, compiler: SQLCompiler, **kw: Any) -> str:
    a, b = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM ({b} - {a})) / 3600) AS INTEGER)"


def _reviews_overdue(w: Window) -> Select[Any]:
    # Waiting past their deadline on the period's last day, as their clocks stood then (handlers/monitoring/as_of.py
    # folds them: a later decision or pause does not change a past period's figure).
    return select(*_review_row(Review.created_at)).where(Review.id.in_(sorted(w.overdue_reviews)))


_BUILDERS = {
    Measure.CENTRES: _centres,
    Measure.EXPERTS: _experts,
    Measure.STAFF: _staff,
    Measure.DEMANDS_DOCKED: _demands_docked,
    Measure.DEMANDS_FOUND: lambda w: _point_facts(PointEventKind.DEMAND_APPROVED, w),
    Measure.DEALS: lambda w: _point_facts(PointEventKind.PROJECT_REGISTERED, w),
    Measure.POINTS: _points,
    Measure.VISITS: _visits,
    Measure.REVIEWS_DECIDED: _reviews_decided,
    Measure.REVIEW_HOURS: _review_hours,
    Measure.REVIEWS_OVERDUE: _reviews_overdue,
}
