"""The expert's pages in the authorisation table: a technology of institution X's expert."""

from __future__ import annotations

from typing import Any

from handlers.expert_channel.publish_technology import PublishTechnology, publish_technology
from handlers.expert_channel.technologies import TechnologyFields
from tests.organisation.conftest import Org

TECHNOLOGY = TechnologyFields("柔性压力传感薄膜", ("0101",), "可用于可穿戴设备的柔性压力传感薄膜。", "pilot", "licence")


def technology_body() -> dict[str, Any]:
    return {
        "json": {
            "title": TECHNOLOGY.title,
            "field_codes": list(TECHNOLOGY.field_codes),
            "summary": TECHNOLOGY.summary,
            "maturity": TECHNOLOGY.maturity,
            "cooperation_mode": TECHNOLOGY.cooperation_mode,
        }
    }


async def expert_ids(base: Org, expert_account: int) -> dict[str, int]:
    published = await publish_technology(PublishTechnology(expert_account, TECHNOLOGY), base.uow)
    return {"technology_id": published.technology_id}
