"""Which (expert, demand) pairs a digest sends, in one set-based statement for a range of experts.

An expert takes part when bound (mini-program), following the official account (a follower known by their
invitation scene or unionid, subscribed, with no broken binding) and not yet sent a digest on the business date.
A demand matches when the expert can see it (handlers.expert_channel.visibility), one of its fields lies in a
subscribed field's subtree, it was never paired with the expert, and it was approved no earlier than the
expert's window start: 7 days before the expert's first digest, kept on the digest rows. The pair rows, not a
time window, make each run exact: a demand whose approval committed after the previous run is not paired yet.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    cast,
    exists,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.sql.expression import CTE

from handlers.demands.states import Step
from handlers.expert_channel.official_account import follower_links
from handlers.expert_channel.visibility import visible_to_expert
from store.base import UTCDateTime
from store.models.auth import MiniProgramBinding
from store.models.demands import Demand, DemandEvent
from store.models.expert_digest import DigestMessage, DigestPair, ExpertSubscription
from store.models.organisation import CLOSED_STATUSES, Account
from store.models.organisation_people import Expert
from store.models.wechat import WeChatFollower

APPROVE = str(Step.APPROVE)  # the timeline step of approval


def demand_codes(dialect: str) -> CTE:
    """(demand_id, code) for every field of every demand and each of its ancestors: equality joins, not LIKE."""
    if dialect == "postgresql":
        values = func.json_array_elements_text(Demand.tech_fields).table_valued("value").render_derived()
    else:
        values = func.json_each(Demand.tech_fields).table_valued("value")  # SQLite names the column itself
    value = cast(values.c.value, String)
    parts = [
        select(Demand.id.label("demand_id"), func.substr(value, 1, width).label("code"))
        .select_from(Demand)
        .join(values, literal(True))
        .where(func.length(value) >= width)
        for width in (2, 4, 6)
    ]
    return union_all(*parts).cte("demand_codes")


def window_start(expert_id: ColumnElement[int], first_window: datetime) -> ColumnElement[datetime]:
    """The expert's first digest's window start, or this run's when it is their first."""
    earliest = (
        select(func.min(DigestMessage.window_start))
        .where(DigestMessage.expert_id == expert_id)
        .correlate_except(DigestMessage)
        .scalar_subquery()
    )
    return func.coalesce(earliest, literal(first_window, UTCDateTime()))


def recipients(*, app_id: str, business_date: date, lo: int, hi: int) -> CTE:
    """The experts with ids in [lo, hi) who may get a digest today, with the openid they follow with (one, should
    a person be known under two)."""
    inner = (
        select(Expert.id.label("expert_id"), Expert.account_id.label("account_id"))
        .join(Account, Account.id == Expert.account_id)
        .where(
            Expert.id >= lo,
            Expert.id < hi,
            Account.status.not_in(list(CLOSED_STATUSES)),
            exists().where(ExpertSubscription.expert_id == Expert.id),
            exists().where(MiniProgramBinding.account_id == Expert.account_id),
            ~exists().where(
                DigestMessage.expert_id == Expert.id,
                DigestMessage.business_date == business_date,
                DigestMessage.expert_id >= lo,
                DigestMessage.expert_id < hi,
            ),
        )
        .subquery()
    )
    links = follower_links().subquery()
    return (
        select(inner.c.expert_id, func.min(WeChatFollower.openid).label("openid"))
        .join(links, links.c.account_id == inner.c.account_id)
        .join(WeChatFollower, and_(WeChatFollower.app_id == app_id, WeChatFollower.openid == links.c.openid))
        .where(WeChatFollower.subscribed.is_(True), WeChatFollower.binding_error.is_(None))
        .group_by(inner.c.expert_id)
        .cte("recipients")
    )


def matches(
    *, dialect: str, app_id: str, business_date: date, first_window: datetime, lo: int, hi: int
) -> Select[tuple[int, str, int, str]]:
    """(expert_id, openid, demand_id, title), each pair once, newest demand first within an expert."""
    people = recipients(app_id=app_id, business_date=business_date, lo=lo, hi=hi)
    codes = demand_codes(dialect)
    since = window_start(people.c.expert_id, first_window)
    return (
        select(people.c.expert_id, people.c.openid, Demand.id, Demand.title)
        .select_from(people)
        .join(ExpertSubscription, ExpertSubscription.expert_id == people.c.expert_id)
        .join(codes, codes.c.code == ExpertSubscription.field_code)
        .join(Demand, Demand.id == codes.c.demand_id)
        .where(
            visible_to_expert(people.c.expert_id),
            # The range again on the pair rows: the planner then reads only this range's pairs, whatever it
            # guesses about the joins above (it overestimates json_array_elements_text a hundredfold).
            ~exists().where(
                DigestPair.expert_id == people.c.expert_id,
                DigestPair.demand_id == Demand.id,
                DigestPair.expert_id >= lo,
                DigestPair.expert_id < hi,
            ),
            exists().where(DemandEvent.demand_id == Demand.id, DemandEvent.action == APPROVE, DemandEvent.at >= since),
        )
        .distinct()
        .order_by(people.c.expert_id, Demand.id.desc())
    )
