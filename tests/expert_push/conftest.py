"""A demand in docking (芯片封装良率提升, 集成电路封装技术, 西湖区) of 张三 in 王主任's centre."""

from __future__ import annotations

import pytest

from tests.expert_push.support import Desk, build_desk
from tests.organisation.conftest import Org, org, regions, registry  # noqa: F401


@pytest.fixture
async def desk(org: Org) -> Desk:  # noqa: F811
    return await build_desk(org)
