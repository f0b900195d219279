"""A monitor for a period: every unit in the caller's scope (zeros included) with its figures, each an SQL
aggregate (GROUP BY the unit) over the fact rows of handlers/monitoring/facts.py, or over the points rollup's
whole days and the edge days' rows (handlers/monitoring/sources.py)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, tzinfo
from typing import Any

from sqlalchemy import Select, String, distinct, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.indicators.in_force import in_force, owners_of
from handlers.indicators.score import score
from handlers.indicators.views import IndicatorView
from handlers.monitoring.as_of import as_of
from handlers.monitoring.facts import ADDITIVE, AVERAGED, LABELS, Measure, facts
from handlers.monitoring.period import Period, Window
from handlers.monitoring.sources import plan_each_period, source
from handlers.monitoring.views import (
    GROUP_COLUMN,
    MEASURES,
    TITLES,
    View,
    attributed_region,
    in_regions,
    monitoring_actor,
    region_scope,
    units,
)
from handlers.organisation.actors import load_actor
from handlers.organisation.scope import successor_code
from handlers.reference.regions import Regions
from store.models.demands import Review
from store.models.organisation import Centre
from store.uow import UnitOfWork

_PREFIX = {"province": 2, "city": 4, "district": 6}


@dataclass(frozen=True)
class ShowMonitor:
    actor_id: int
    view: View
    period: Period


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass(frozen=True)
class MonitorRow:
    unit_id: int  # institution, centre, staff account, or the region code's digits
    name: str
    parent: str  # a centre's institution, a staff member's centre, a region's parent region
    region_code: str
    level: str  # the overview's province / city / district; "" elsewhere
    figures: dict[str, int]
    # Per indicator in force (handlers/indicators): its value and score as decimal strings; "total" the sum of scores.
    values: dict[str, str] = field(default_factory=dict)
    scores: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Monitor:
    view: View
    title: str
    start: date
    end: date
    columns: tuple[Column, ...]
    rows: tuple[MonitorRow, ...]
    # The indicator versions the scores used: those in force at the period's end (or now, for a running period).
    indicators: tuple[IndicatorView, ...] = ()


async def show_monitor(cmd: ShowMonitor, uow: UnitOfWork, zone: tzinfo, regions: Regions) -> Monitor:
    period = cmd.period.checked()
    w = period.window(zone)
    measures = MEASURES[cmd.view]
    async with uow:
        actor = monitoring_actor(await load_actor(uow, cmd.actor_id), cmd.view)
        session = uow.session
        await plan_each_period(session)
        if Measure.REVIEWS_OVERDUE in measures:
            w = await as_of(session, w)
        if cmd.view == View.OVERVIEW:
            rows = await _overview(session, region_scope(actor), measures, w, regions)
        else:
            listed = units(actor, cmd.view, w)
            found = (await session.execute(listed)).all()
            ids = listed.order_by(None).with_only_columns(listed.selected_columns[0])
            figures = averaged({m: await figures_by(session, m, w, GROUP_COLUMN[cmd.view], ids) for m in measures})
            rows = [
                MonitorRow(
                    int(uid),
                    name,
                    # An institution's parent is its region: named, never its code.
                    regions.name_of(parent) if cmd.view == View.INSTITUTIONS else parent,
                    code,
                    "",
                    {m.value: figures[m].get(uid, 0) for m in measures},
                )
                for uid, name, parent, code in found
            ]
        indicators = await in_force(uow, await owners_of(uow, actor), min(uow.clock.now(), w.after))
    columns = tuple(Column(m.value, LABELS[m]) for m in measures)
    return Monitor(
        cmd.view, TITLES[cmd.view], period.start, period.end, columns, scored(rows, indicators), tuple(indicators)
    )


def scored(rows: list[MonitorRow], indicators: list[IndicatorView]) -> tuple[MonitorRow, ...]:
    """The rows with each indicator's value and score, scored against each other (the best gets the weight)."""
    if not indicators:
        return tuple(rows)
    results = score([row.figures for row in rows], indicators)
    return tuple(
        replace(
            row,
            values={k: str(v) for k, v in result.values.items()},
            scores={**{k: str(v) for k, v in result.scores.items()}, "total": str(result.total)},
        )
        for row, result in zip(rows, results, strict=True)
    )


def averaged(figures: dict[Measure, dict[Any, int]]) -> dict[Measure, dict[Any, int]]:
    """An averaged measure is a sum until here: divided by its count, unit by unit (floored). In the overview the
    sums and counts are rolled up first, so a city's average is over its reviews, not a mean of its districts'."""
    out = dict(figures)
    for m, count in AVERAGED.items():
        if m in out:
            out[m] = {u: total // n for u, total in out[m].items() if (n := out[count].get(u, 0))}
    return out


async def figures_by(
    session: AsyncSession, measure: Measure, w: Window, group: str, ids: Select[Any]
) -> dict[Any, int]:
    f, figure = source(measure, w, group)
    key = f.c[group]
    rows = await session.execute(select(key, figure).where(key.in_(ids)).group_by(key))
    return {k: int(v) for k, v in rows}


async def _overview(
    session: AsyncSession, scope: list[str] | None, measures: tuple[Measure, ...], w: Window, regions: Regions
) -> list[MonitorRow]:
    codes = _region_rows(scope, regions, await _fact_regions(session, scope, measures, regions))
    levels = sorted({_level(c, regions) for c in codes})
    figures: dict[Measure, dict[str, int]] = {}
    for m in measures:
        found: dict[str, int] = {}
        if m in ADDITIVE:
            # One GROUP BY the exact code; the parents' figures add up the groups (a hundred, not the rows).
            f, figure = source(m, w)
            column = f.c.region_code
            rows = await session.execute(select(column, figure).where(in_regions(column, scope)).group_by(column))
            for k, v in rows:
                if k is None:
                    continue
                k = successor_code(k)  # a withdrawn code's history counts under its successor
                for level in levels:
                    key = f"{level}:{k[: _PREFIX[level]]}"
                    found[key] = found.get(key, 0) + int(v)
        else:
            found = await _distinct_by_prefix(session, m, w, scope, levels)
        figures[m] = found
    figures = averaged(figures)
    out = []
    for code in codes:
        level = _level(code, regions)
        key = f"{level}:{code[: _PREFIX[level]]}"
        region = regions.find(code)
        parent = regions.find(region.parent) if region is not None and region.parent else None
        out.append(
            MonitorRow(
                int(code),
                region.name if region is not None else code,
                parent.name if parent is not None else "",
                code,
                level,
                {m.value: figures[m].get(key, 0) for m in measures},
            )
        )
    return out


async def _distinct_by_prefix(
    session: AsyncSession, m: Measure, w: Window, scope: list[str] | None, levels: list[str]
) -> dict[str, int]:
    """A distinct count per region at each level, in one statement: the (code, thing) pairs once, then counted
    per prefix (one enterprise visited in two districts is one enterprise of their city)."""
    f = facts(m, w).subquery()
    # A withdrawn code's history counts under its successor (撤县设区).
    region = attributed_region(f.c.region_code).label("region_code")
    pairs = select(region, f.c.key).where(in_regions(f.c.region_code, scope)).distinct().cte("pairs")
    rows = await session.execute(union_all(*(_count_by_prefix(pairs, level) for level in levels)))
    return {f"{level}:{k}": int(v) for level, k, v in rows if k is not None}


def _count_by_prefix(pairs: Any, level: str) -> Select[Any]:
    prefix = func.substr(pairs.c.region_code, 1, _PREFIX[level])
    return select(literal(level, String), prefix, func.count(distinct(pairs.c.key))).group_by(prefix)


async def _fact_regions(
    session: AsyncSession, scope: list[str] | None, measures: tuple[Measure, ...], regions: Regions
) -> set[str]:
    """The regions with centres, and for the system admin those with reviews (an official's rows are every region
    beneath theirs already), so a district with reviews but no centre has its row under its city."""
    rows = await session.scalars(select(Centre.region_code).distinct().where(in_regions(Centre.region_code, scope)))
    found = {successor_code(code) for code in rows}
    if scope is None and Measure.REVIEWS_DECIDED in measures:
        codes = await session.scalars(select(Review.region_code).distinct())
        # A placeholder code (000000: a certification without a region) is no region to list.
        found.update(c for code in codes if regions.find(c := successor_code(code)) is not None)
    return found


def _region_rows(scope: list[str] | None, regions: Regions, with_centres: set[str]) -> list[str]:
    """An official's region and every region beneath it (zeros included); for the system admin the regions
    that have centres (or reviews) and the regions above them. Ordered by code: a province, its first city, that city's
    districts, the next city…"""
    codes: set[str] = set()
    if scope is None:
        for code in with_centres:
            if regions.find(code) is None:
                codes.add(code)
            else:
                codes.update(r.code for r in regions.ancestors(code))
    else:
        for top in scope:
            stack = [top]
            while stack:
                code = stack.pop()
                codes.add(code)
                if regions.find(code) is not None:
                    stack.extend(r.code for r in regions.children(code))
        codes.update(with_centres)  # a centre under a withdrawn code still shows up
    return sorted(codes)


def _level(code: str, regions: Regions) -> str:
    region = regions.find(code)
    if region is not None:
        return str(region.level)
    return "district" if code[4:] != "00" else "city" if code[2:4] != "00" else "province"
