"""Every figure equals a recomputation in Python from the raw rows, over seeded random histories and periods;
every unit in scope is listed, zeros included; the drill-down lists exactly the rows a figure counts."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from handlers.monitoring.drill_down import DrillDown, drill_down
from handlers.monitoring.facts import Measure
from handlers.monitoring.period import Period
from handlers.monitoring.show_monitor import Monitor, ShowMonitor, show_monitor
from handlers.monitoring.views import MEASURES, View
from handlers.officials.create_official import CreateOfficial, create_official
from handlers.organisation.pages import PageRequest
from store.models.organisation import Centre, StaffMember
from store.models.organisation_people import ExpertLink
from store.models.points import PointEventKind
from tests.monitoring.conftest import BASE, ZONE, History, local_bounds, overdue_at, write_history
from tests.points.conftest import Points
from tests.policies import MEMBERSHIP

REVIEW_MEASURES = (Measure.REVIEWS_DECIDED, Measure.REVIEW_HOURS, Measure.REVIEWS_OVERDUE)


def _count(rows: Iterable[tuple[Any, Any]]) -> dict[Any, int]:
    """Distinct things per unit: rows are (unit, thing)."""
    seen: dict[Any, set[Any]] = defaultdict(set)
    for unit, thing in rows:
        seen[unit].add(thing)
    return {u: len(t) for u, t in seen.items()}


def _sum(rows: Iterable[tuple[Any, int]]) -> dict[Any, int]:
    out: dict[Any, int] = defaultdict(int)
    for unit, n in rows:
        out[unit] += n
    return dict(out)


class Expected:
    def __init__(self, h: History, start: date, end: date, links: list[Any], staff: list[Any], centres: list[Any]):
        self.h, self.start, self.end = h, start, end
        self.lo, self.hi = local_bounds(start, end)
        self.links, self.staff, self.centres = links, staff, centres

    def inside(self, at: datetime) -> bool:
        return self.lo <= at < self.hi

    def on_staff(self) -> list[Any]:
        return [m for m in self.staff if m.created_at < self.hi and (m.left_at is None or m.left_at >= self.hi)]

    def measure(self, m: Measure, unit: Callable[[Any], Any], recorder: bool = False) -> dict[Any, int]:
        h = self.h
        if m == Measure.EXPERTS:
            return _count((unit(link), link.expert_id) for link in self.links if link.created_at < self.hi)
        if m == Measure.STAFF:
            return _count((unit(s), s.id) for s in self.on_staff())
        if m == Measure.CENTRES:
            return _count((unit(c), c.id) for c in self.centres if c.created_at < self.hi)
        if m == Measure.DEMANDS_DOCKED:
            return _count((unit(owner), d) for d, at, owner, _e in h.approvals if self.inside(at))
        if m in (Measure.DEALS, Measure.DEMANDS_FOUND):
            kind = PointEventKind.PROJECT_REGISTERED if m == Measure.DEALS else PointEventKind.DEMAND_APPROVED
            return _count((unit(who), key) for k, key, at, who, _d in h.facts if k == kind and self.inside(at))
        if m == Measure.POINTS:
            return _sum((unit(who), n) for n, at, who in h.entries if self.inside(at))
        if m == Measure.VISITS:
            return _count(
                (unit(who if recorder else owner), e)
                for _d, at, owner, e, who, kind in h.visits
                if kind == "visit" and self.inside(at)
            )
        decided = [(n, r) for n, r in enumerate(h.reviews) if r.decided and self.inside(r.decided)]
        if m == Measure.REVIEWS_DECIDED:
            return _count((unit(r), n) for n, r in decided)
        if m == Measure.REVIEW_HOURS:
            # The average of whole hours from submission to decision over the unit's own reviews, floored.
            hours: dict[Any, list[int]] = defaultdict(list)
            for _n, r in decided:
                assert r.decided is not None
                hours[unit(r)].append(int((r.decided - r.created).total_seconds() // 3600))
            return {u: sum(v) // len(v) for u, v in hours.items()}
        assert m == Measure.REVIEWS_OVERDUE
        # Waiting when the period ended (a later decision does not count) and overdue on its last day.
        return _count(
            (unit(r), n)
            for n, r in enumerate(h.reviews)
            if r.created < self.hi
            and (r.decided is None or r.decided >= self.hi)
            and r.due is not None
            and overdue_at(r.due, self.end)
        )


def _figures(monitor: Monitor) -> dict[int, dict[str, int]]:
    return {row.unit_id: row.figures for row in monitor.rows}


async def _raw(p: Points) -> tuple[list[Any], list[Any], list[Any]]:
    async with p.org.container.sessionmaker() as s:
        links = list(await s.scalars(select(ExpertLink)))
        staff = list(await s.scalars(select(StaffMember)))
        centres = list(await s.scalars(select(Centre)))
    return links, staff, centres


async def _show(p: Points, actor: int, view: View, start: date, end: date) -> Monitor:
    return await show_monitor(ShowMonitor(actor, view, Period(start, end)), p.org.uow, ZONE, p.org.regions)


def _periods(rng: random.Random, n: int) -> list[tuple[date, date]]:
    out = []
    for _ in range(n):
        start = (BASE + timedelta(days=rng.randrange(-3, 28))).date()
        out.append((start, start + timedelta(days=rng.randrange(0, 12))))
    return out


async def test_figures_equal_a_recomputation_from_the_raw_rows(points: Points) -> None:
    p = points
    histories = [await write_history(p, seed) for seed in range(3)]
    merged = History(histories[0].people)
    for h in histories:  # the database holds them all: the expectation covers them all
        merged.approvals += h.approvals
        merged.visits += h.visits
        merged.facts += h.facts
        merged.entries += h.entries
        merged.reviews += h.reviews
    links, staff, centres = await _raw(p)
    centre_of = {c.id: c for c in centres}
    official = await create_official(
        CreateOfficial(p.org.admin_id, "赵局长", "13744440001", "330106"),
        p.org.uow,
        p.org.regions,
        membership=MEMBERSHIP,
    )
    rng = random.Random(7)
    nonzero: set[str] = set()
    nonzero_overview: set[tuple[str, str]] = set()
    beyond_districts = False
    for start, end in _periods(rng, 6):
        e = Expected(merged, start, end, links, staff, centres)
        by_inst = _figures(await _show(p, p.org.admin_id, View.INSTITUTIONS, start, end))
        assert set(by_inst) == {p.x.id, p.y.id}  # zeros included: both listed whatever the period
        for m in (
            Measure.EXPERTS,
            Measure.STAFF,
            Measure.DEMANDS_DOCKED,
            Measure.DEALS,
            Measure.POINTS,
            Measure.VISITS,
            Measure.REVIEWS_DECIDED,
            Measure.REVIEW_HOURS,
            Measure.REVIEWS_OVERDUE,
        ):
            expected = e.measure(m, lambda u: u.institution if hasattr(u, "institution") else u.institution_id)
            assert {i: f[m.value] for i, f in by_inst.items()} == {i: expected.get(i, 0) for i in by_inst}, m

        nonzero.update(k for f in by_inst.values() for k, v in f.items() if v)
        by_centre = _figures(await _show(p, p.org.admin_id, View.CENTRES, start, end))
        assert set(by_centre) == {c.id for c in centres}
        for m in (Measure.STAFF, Measure.DEMANDS_DOCKED, Measure.DEALS, Measure.POINTS, Measure.VISITS):
            expected = e.measure(m, lambda u: u.centre if hasattr(u, "centre") else u.centre_id)
            assert {i: f[m.value] for i, f in by_centre.items()} == {i: expected.get(i, 0) for i in by_centre}, m

        by_staff = _figures(await _show(p, p.org.admin_id, View.STAFF, start, end))
        assert set(by_staff) == {m.account_id for m in staff if m.left_at is None}  # the idle ones too
        for m in (Measure.POINTS, Measure.DEALS, Measure.DEMANDS_FOUND, Measure.VISITS):
            expected = e.measure(m, lambda u: u.account, recorder=True)
            assert {i: f[m.value] for i, f in by_staff.items()} == {i: expected.get(i, 0) for i in by_staff}, m

        overview = await _show(p, p.org.admin_id, View.OVERVIEW, start, end)
        # The regions with centres, and 上城区 where only reviews lie (listed for the system admin too).
        assert [r.region_code for r in overview.rows] == ["330000", "330100", "330102", "330106", "330114"]
        for row in overview.rows:
            prefix = {"province": row.region_code[:2], "city": row.region_code[:4]}.get(row.level, row.region_code)
            for m in MEASURES[View.OVERVIEW]:

                def region(u: Any, prefix: str = prefix) -> bool:
                    code = (
                        u.region
                        if hasattr(u, "region")
                        else centre_of[u.centre_id if hasattr(u, "centre_id") else u.id].region_code
                    )
                    return bool(code.startswith(prefix))

                expected = e.measure(m, region)
                assert row.figures[m.value] == expected.get(True, 0), (row.region_code, m)

        # A district official: their district only, in every view.
        mine = await _show(p, official.account_id, View.INSTITUTIONS, start, end)
        assert [r.unit_id for r in mine.rows] == [p.x.id] and mine.rows[0].figures == by_inst[p.x.id]
        district = await _show(p, official.account_id, View.OVERVIEW, start, end)
        assert [r.region_code for r in district.rows] == ["330106"]
        assert district.rows[0].figures == next(r.figures for r in overview.rows if r.region_code == "330106")
        nonzero_overview.update((r.level, k) for r in overview.rows for k, v in r.figures.items() if v)
        nonzero_overview.update((r.region_code, k) for r in overview.rows for k, v in r.figures.items() if v)
        decided = {r.region_code: r.figures[Measure.REVIEWS_DECIDED.value] for r in overview.rows}
        beyond_districts |= decided["330100"] > sum(n for c, n in decided.items() if c[4:] != "00")
    assert nonzero == {m.value for m in Measure} - {"centres", "demands_found"}  # the comparisons were not all 0 = 0
    # Review figures at every level, 上城区's (no centre) among them, and reviews under the city's own code.
    for level in ("province", "city", "district"):
        assert {(level, m.value) for m in REVIEW_MEASURES} <= nonzero_overview, level
    assert ("330102", Measure.REVIEWS_DECIDED.value) in nonzero_overview and beyond_districts


async def test_a_drill_down_lists_exactly_the_rows_a_figure_counts(points: Points) -> None:
    p = points
    await write_history(p, 11, size=20)
    start, end = (BASE.date(), (BASE + timedelta(days=29)).date())
    shown = await _show(p, p.org.admin_id, View.INSTITUTIONS, start, end)
    for row in shown.rows:
        for m in (Measure.DEMANDS_DOCKED, Measure.DEALS, Measure.POINTS, Measure.VISITS, Measure.REVIEWS_DECIDED):
            cmd = DrillDown(p.org.admin_id, View.INSTITUTIONS, row.unit_id, m, Period(start, end), PageRequest(1, 100))
            page = await drill_down(cmd, p.org.uow, ZONE)
            assert page.total == len(page.items)
            if m == Measure.POINTS:
                assert sum(f.value for f in page.items) == row.figures[m.value]
            else:
                assert len({f.counted_as for f in page.items}) == row.figures[m.value], m
    # The overview's review figures: a city's rows are its reviews (its districts' and its own code's); its
    # average turnaround is over them, as the rows' hours give it.
    overview = await _show(p, p.org.admin_id, View.OVERVIEW, start, end)
    for row in overview.rows:
        pages = {}
        for m in REVIEW_MEASURES:
            cmd = DrillDown(p.org.admin_id, View.OVERVIEW, row.unit_id, m, Period(start, end), PageRequest(1, 100))
            pages[m] = (await drill_down(cmd, p.org.uow, ZONE)).items
        assert len(pages[Measure.REVIEWS_DECIDED]) == row.figures[Measure.REVIEWS_DECIDED.value], row.region_code
        assert len(pages[Measure.REVIEWS_OVERDUE]) == row.figures[Measure.REVIEWS_OVERDUE.value], row.region_code
        hours = [f.value for f in pages[Measure.REVIEW_HOURS]]
        assert row.figures[Measure.REVIEW_HOURS.value] == (sum(hours) // len(hours) if hours else 0)
