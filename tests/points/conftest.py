"""Points fixtures: two institutions (X in 西湖区, Y in 钱塘区), each with a staff member, a centre admin and
experts, and a helper that records a fact the way a demand use case would (inside its own transaction)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from handlers.experts.add_expert import AddExpert, add_expert
from handlers.points.record_point_event import PointFact, PointsRecorded, record_point_event
from handlers.points.rules import RULE_SETS, RuleSet
from store.models.points import PointEntry
from tests.api.conftest import Institution, api, build_institution  # noqa: F401  (fixtures)
from tests.organisation.conftest import Org, org, regions, registry  # noqa: F401  (fixtures)


@dataclass
class Points:
    org: Org
    x: Institution
    y: Institution
    experts: tuple[int, ...]  # X's experts: the one build_institution adds and two more

    async def record(self, fact: PointFact, rule_sets: Mapping[int, RuleSet] = RULE_SETS) -> PointsRecorded:
        async with self.org.uow as uow:
            done = await record_point_event(uow, fact, rule_sets)
            await uow.commit()
        return done

    async def totals(self) -> dict[str, dict[int, int]]:
        """Sums per staff account, centre and institution, straight from the ledger."""
        out: dict[str, dict[int, int]] = {}
        async with self.org.container.sessionmaker() as session:
            for name, column in (
                ("staff", PointEntry.account_id),
                ("centre", PointEntry.centre_id),
                ("institution", PointEntry.institution_id),
            ):
                rows = await session.execute(select(column, func.sum(PointEntry.points)).group_by(column))
                out[name] = {k: int(v) for k, v in rows}
        return out


@pytest.fixture
async def points(org: Org) -> Points:  # noqa: F811  (the imported fixture)
    x = await build_institution(
        org, 1, region="330106", enterprise_name="杭州云栖智能传感科技有限公司", phone_prefix="1371111"
    )
    y = await build_institution(
        org, 2, region="330114", enterprise_name="杭州钱塘半导体装备有限公司", phone_prefix="1372222"
    )
    more = [
        await add_expert(AddExpert(x.admin, x.id, f"推送专家{n}", f"1373333000{n}", "研究员"), org.uow) for n in (1, 2)
    ]
    return Points(org, x, y, (x.expert, *(e.expert_id for e in more)))
