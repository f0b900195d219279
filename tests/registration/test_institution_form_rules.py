"""Every rule of seed 001 §一 (一)(二) on submission (提交): a violating value is refused with an error naming its
field, and the boundary value is accepted (the registration goes to the city bureau)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.bootstrap import Container
from handlers.errors import InvalidInput
from handlers.registration.institution_form import performance_length
from handlers.registration.save_institution_registration import (
    SaveInstitutionRegistration,
    save_institution_registration,
)
from tests.organisation.conftest import Org
from tests.policies import REGISTRATION
from tests.registration.institution_fixtures import certified_applicant, filled

CONTACT = "联系人：王海燕，电话13700000011。"


def text(n: int, keep: str = "") -> str:
    """`keep` padded to exactly n characters."""
    return keep + "文" * (n - len(keep))


def _performance_at(total: int) -> dict[str, Any]:
    base = filled(performance="")
    return {"performance": "业" * (total - performance_length(base))}


# (field changed → value, expected error code, field named); None: accepted.
CASES: list[tuple[str, dict[str, Any], tuple[str, str] | None]] = [
    ("nature missing", {"nature": ""}, ("missing_field", "nature")),
    ("nature unknown", {"nature": "branch"}, ("invalid_choice", "nature")),
    ("nature unincorporated", {"nature": "unincorporated"}, None),
    ("internal without department", {"nature": "internal"}, ("missing_field", "department")),
    ("department too long", {"nature": "internal", "department": text(65)}, ("field_too_long", "department")),
    ("department at 64", {"nature": "internal", "department": text(64)}, None),
    ("department of a legal person", {"department": "技术转移部"}, ("field_not_allowed", "department")),
    ("category missing", {"category": ""}, ("missing_field", "category")),
    ("category unknown", {"category": "enterprise"}, ("invalid_choice", "category")),
    ("category university", {"category": "university"}, None),
    ("introduction missing", {"introduction": ""}, ("missing_field", "introduction")),
    ("introduction at 301", {"introduction": text(301, CONTACT)}, ("field_too_long", "introduction")),
    ("introduction at 300", {"introduction": text(300, CONTACT)}, None),
    ("introduction without contact", {"introduction": text(100)}, ("introduction_contact_missing", "introduction")),
    ("introduction with an e-mail", {"introduction": "联系人：李明 liming@example.com"}, None),
    ("no industry", {"service_industries": []}, ("missing_field", "service_industries")),
    (
        "four industries",
        {"service_industries": ["materials", "equipment", "services", "other"]},
        ("too_many_items", "service_industries"),
    ),
    ("three industries", {"service_industries": ["materials", "equipment", "services"]}, None),
    ("industry unknown", {"service_industries": ["mining"]}, ("invalid_choice", "service_industries")),
    ("international missing", {"international_transfer": ""}, ("missing_field", "international_transfer")),
    ("international 无", {"international_transfer": "无"}, None),
    ("international at 501", {"international_transfer": text(501)}, ("field_too_long", "international_transfer")),
    ("head missing", {"head_name": ""}, ("missing_field", "head_name")),
    ("head position missing", {"head_position": ""}, ("missing_field", "head_position")),
    ("head mobile wrong", {"head_mobile": "1370000001"}, ("invalid_mobile", "head_mobile")),
    ("contact missing", {"contact_name": ""}, ("missing_field", "contact_name")),
    ("contact mobile missing", {"contact_mobile": ""}, ("missing_field", "contact_mobile")),
    ("contact e-mail wrong", {"contact_email": "liming@"}, ("invalid_field", "contact_email")),
    ("contact e-mail left out", {"contact_email": ""}, None),
    ("staff total missing", {"staff_total": None}, ("missing_field", "staff_total")),
    ("staff total 0", {"staff_total": 0, "staff_transfer": 0, "staff_full_time": 0}, ("out_of_range", "staff_total")),
    ("staff total 1", {"staff_total": 1, "staff_transfer": 1, "staff_full_time": 1}, None),
    ("transfer staff missing", {"staff_transfer": None}, ("missing_field", "staff_transfer")),
    ("transfer staff negative", {"staff_transfer": -1}, ("out_of_range", "staff_transfer")),
    ("transfer beyond total", {"staff_total": 8, "staff_transfer": 9}, ("staff_exceeds_total", "staff_transfer")),
    ("transfer equals total", {"staff_total": 8, "staff_transfer": 8}, None),
    ("full-time missing", {"staff_full_time": None}, ("missing_field", "staff_full_time")),
    (
        "full-time beyond transfer",
        {"staff_transfer": 5, "staff_full_time": 6},
        ("full_time_exceeds_transfer", "staff_full_time"),
    ),
    ("full-time equals transfer", {"staff_transfer": 5, "staff_full_time": 5}, None),
    ("basic situation missing", {"basic_situation": ""}, ("missing_field", "basic_situation")),
    (
        "basic situation at 801",
        {"basic_situation": text(801, "规章制度与服务规范：")},
        ("field_too_long", "basic_situation"),
    ),
    ("basic situation at 800", {"basic_situation": text(800, "规章制度与服务规范：")}, None),
    (
        "basic situation without the rules",
        {"basic_situation": text(200, "定位于成果转化服务。")},
        ("rules_not_listed", "basic_situation"),
    ),
    ("performance missing", {"performance": ""}, ("missing_field", "performance")),
    ("performance at 601", {"performance": text(601)}, ("field_too_long", "performance")),
    ("performance with cases at 601", _performance_at(601), ("performance_too_long", "performance")),
    ("performance with cases at 600", _performance_at(600), None),
    ("no case", {"cases": []}, ("missing_field", "cases")),
    ("one case", {"cases": [{"title": "案例一", "content": "内容"}]}, ("too_few_items", "cases")),
    (
        "a case without content",
        {"cases": [{"title": "一", "content": ""}, {"title": "二", "content": "内容"}]},
        ("missing_field", "cases[0].content"),
    ),
    ("reputation missing", {"reputation": ""}, ("missing_field", "reputation")),
    ("reputation 无", {"reputation": "无"}, None),
    ("plan missing", {"plan": ""}, ("missing_field", "plan")),
    ("plan at 601", {"plan": text(601)}, ("field_too_long", "plan")),
    ("plan at 600", {"plan": text(600)}, None),
]


@pytest.fixture
async def applicant(org: Org, container: Container) -> int:
    return await certified_applicant(org, container)


@pytest.mark.parametrize(("case", "changes", "expected"), CASES, ids=[c[0] for c in CASES])
async def test_each_rule_on_submission(
    applicant: int, container: Container, org: Org, case: str, changes: dict[str, Any], expected: tuple[str, str] | None
) -> None:
    cmd = SaveInstitutionRegistration(applicant, filled(**changes), draft=False)
    if expected is None:
        view = await save_institution_registration(cmd, container.uow(), REGISTRATION, org.regions)
        assert view.status == "pending" and view.receipt_number is not None
        return
    with pytest.raises(InvalidInput) as refused:
        await save_institution_registration(cmd, container.uow(), REGISTRATION, org.regions)
    assert (refused.value.code, refused.value.field) == expected, refused.value.message
    # The message is Chinese and names what is wrong (the field's label or the rule).
    assert refused.value.message and not refused.value.message.isascii()
