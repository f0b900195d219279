"""The basic-information change (基础信息变更, seed 000 一.6): a change request of the latest approved record, its
period (all year for an institution first registered this year, otherwise outside the annual-update window), the
city bureau seeing the field-by-field difference on its card and the page, the record unchanged until approval
(then changed in place, keeping its number), a rejection shown and the change edited and resubmitted."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.bootstrap import Container
from handlers.clock import ManualClock
from handlers.errors import Conflict, InvalidInput
from handlers.registration.get_institution_registration import (
    GetInstitutionRegistration,
    MyRegistration,
    get_institution_registration,
)
from handlers.registration.get_institution_registration_for_review import (
    GetInstitutionRegistrationForReview,
    get_institution_registration_for_review,
)
from handlers.registration.institution_registration import RegistrationView
from handlers.registration.save_institution_change import SaveInstitutionChange, save_institution_change
from handlers.registration.save_institution_registration import (
    SaveInstitutionRegistration,
    save_institution_registration,
)
from handlers.reviews.decide_review import DecideReview, Decision, decide_review
from store.models.audit import AuditEntry
from tests.organisation.conftest import Org
from tests.policies import REGISTRATION, SUBJECTS
from tests.registration.institution_fixtures import CITY_USERID, certified_applicant, filled
from tests.registration.test_certification import cards_to
from tests.registration.test_institution_update import _city_official_id

WINDOW = replace(REGISTRATION, update_opens="03-01", update_closes="04-30")
SHANGHAI = timedelta(hours=8)


def at(local: str) -> datetime:
    """A Beijing time as the clock's UTC instant."""
    return datetime.fromisoformat(local).replace(tzinfo=UTC) - SHANGHAI


async def decide(
    container: Container, review_id: int | None, official: int, decision: Decision, reason: str = ""
) -> None:
    assert review_id is not None
    async with container.uow() as tx:
        cmd = DecideReview(review_id, 0, decision, account_id=official, reason=reason)
        await decide_review(cmd, tx, subjects=SUBJECTS)
        await tx.commit()


async def register(container: Container, org: Org, applicant: int) -> RegistrationView:
    cmd = SaveInstitutionRegistration(applicant, filled(), draft=False)
    return await save_institution_registration(cmd, container.uow(), WINDOW, org.regions)


async def change(container: Container, org: Org, applicant: int, values: dict[str, Any], *, draft: bool) -> Any:
    cmd = SaveInstitutionChange(applicant, values, draft=draft)
    return await save_institution_change(cmd, container.uow(), WINDOW, org.regions)


async def mine(container: Container, applicant: int) -> MyRegistration:
    return await get_institution_registration(GetInstitutionRegistration(applicant), container.uow(), WINDOW)


def changed_values() -> dict[str, Any]:
    values = filled(staff_total=25, service_industries=["materials", "biomedicine"], contact_email="")
    values["cases"] = [
        values["cases"][0],
        {"title": "涂层材料联合开发", "content": "组织校企联合开发涂层材料，已实现量产并出口。"},
        {"title": "成果评价", "content": "完成某研究所成果评价与挂牌交易。"},
    ]
    return values


async def test_a_change_shows_its_difference_and_changes_the_record_only_on_approval(
    org: Org, container: Container, clock: ManualClock
) -> None:
    applicant = await certified_applicant(org, container)
    official = await _city_official_id(container)

    # Not registered yet: no change can be asked, and the page is told why.
    assert (await mine(container, applicant)).change.code == "change_not_registered"
    with pytest.raises(Conflict) as early:
        await change(container, org, applicant, changed_values(), draft=True)
    assert early.value.code == "change_not_registered"

    first = await register(container, org, applicant)
    await decide(container, first.review_id, official, Decision.APPROVE)
    page = await mine(container, applicant)
    assert page.change.allowed is True and page.change.base_id == first.id and page.change.open_id is None

    # The same values are no change.
    with pytest.raises(InvalidInput) as same:
        await change(container, org, applicant, filled(), draft=False)
    assert same.value.code == "change_unchanged"

    # A draft, then the submission: a row of its own; the record as approved.
    draft = await change(container, org, applicant, {"introduction": "草稿"}, draft=True)
    shown = (draft.kind, draft.kind_label, draft.status, draft.changes_id)
    assert shown == ("change", "基础信息变更", "draft", first.id)
    submitted = await change(container, org, applicant, changed_values(), draft=False)
    assert submitted.id == draft.id and submitted.status == "pending" and submitted.receipt_number is not None
    assert submitted.changes_number == "33010020260001" and submitted.registration_number is None
    rows = [(c.label, c.old, c.new) for c in submitted.difference]
    assert rows == [
        ("服务产业领域", "新材料、高端装备制造", "新材料、生物医药"),
        ("联络人邮箱", "liming@example.com", ""),
        ("总人数", "20人", "25人"),
        (
            "典型案例（第2项）·案例内容",
            "组织校企联合开发涂层材料，已实现量产。",
            "组织校企联合开发涂层材料，已实现量产并出口。",
        ),
        ("典型案例（第3项）·案例名称", "", "成果评价"),
        ("典型案例（第3项）·案例内容", "", "完成某研究所成果评价与挂牌交易。"),
    ]
    with pytest.raises(Conflict) as pending:
        await change(container, org, applicant, changed_values(), draft=True)
    assert pending.value.code == "change_pending"
    assert (await mine(container, applicant)).change.code == "change_pending"

    # The city's card names the record and every changed field, old → new.
    card = (await cards_to(container, CITY_USERID))[-1].payload["card_data"]
    assert card["chain_name"] == "技术转移机构登记" and card["title"].endswith("（基础信息变更）")
    summary = card["summary"]
    assert summary.startswith("基础信息变更（登记号：33010020260001）")
    assert "变更内容（6项）" in summary and "总人数：20人 → 25人" in summary
    assert "服务产业领域：新材料、高端装备制造 → 新材料、生物医药" in summary
    assert "典型案例（第3项）·案例名称：（空） → 成果评价" in summary

    # The reviewer's page has the same difference; the record is unchanged while under review.
    seen = await get_institution_registration_for_review(
        GetInstitutionRegistrationForReview(official, submitted.id), container.uow()
    )
    assert [c.field for c in seen.difference] == [c.field for c in submitted.difference]
    record = next(r for r in (await mine(container, applicant)).registrations if r.id == first.id)
    assert record.values["staff_total"] == 20 and len(record.values["cases"]) == 2

    # 驳回: the reason is shown, the record unchanged; the change is edited and submitted again.
    await decide(container, submitted.review_id, official, Decision.REJECT, "请说明人员增加的依据")
    page = await mine(container, applicant)
    rejected = page.registrations[0]
    assert (rejected.kind, rejected.status, rejected.reason) == ("change", "rejected", "请说明人员增加的依据")
    assert rejected.editable is True and page.change.allowed is True and page.change.open_id == rejected.id
    assert next(r for r in page.registrations if r.id == first.id).values["staff_total"] == 20

    again = await change(container, org, applicant, {**changed_values(), "staff_total": 24}, draft=False)
    assert again.id == rejected.id and again.status == "pending" and again.reason is None
    assert ("总人数", "20人", "24人") in [(c.label, c.old, c.new) for c in again.difference]
    await decide(container, again.review_id, official, Decision.APPROVE)

    # Approved: the record takes the values and keeps its number; the list shows both rows.
    page = await mine(container, applicant)
    listed = [(r.kind, r.status, r.registration_number, r.changes_number) for r in page.registrations]
    assert listed == [("change", "approved", None, "33010020260001"), ("first", "approved", "33010020260001", None)]
    record = page.registrations[1]
    assert record.values["staff_total"] == 24 and len(record.values["cases"]) == 3
    assert record.values["service_industries"] == ["materials", "biomedicine"]
    # The approved change still shows what it changed (against the record as it was).
    assert ("总人数", "20人", "24人") in [(c.label, c.old, c.new) for c in page.registrations[0].difference]
    assert page.change.allowed is True and page.change.open_id is None
    async with container.sessionmaker() as session:
        entries = list(
            await session.scalars(
                select(AuditEntry)
                .where(AuditEntry.aggregate_type == "institution_registration")
                .order_by(AuditEntry.seq)
            )
        )
    of_change = [e.action for e in entries if e.aggregate_id == str(again.id)]
    assert of_change == ["change_saved", "change_submitted", "rejected", "change_submitted", "approved"]
    assert [e.action for e in entries if e.aggregate_id == str(first.id)] == ["submitted", "approved", "changed"]
    changed = json.loads(next(e for e in entries if e.action == "changed").data)
    assert "staff_total" in changed["fields"] and changed["registration_number"] == "33010020260001"

    # A second change is a new row against the changed record.
    next_change = await change(container, org, applicant, {**changed_values(), "staff_total": 30}, draft=True)
    assert next_change.id not in (first.id, again.id)
    assert [(c.old, c.new) for c in next_change.difference] == [("24人", "30人")]


async def test_the_period_all_year_when_first_registered_this_year_else_outside_the_update_window(
    org: Org, container: Container, clock: ManualClock
) -> None:
    applicant = await certified_applicant(org, container)
    official = await _city_official_id(container)
    # First registered on 2 March 2026, inside the update window.
    clock.set(at("2026-03-02T10:00:00"))
    first = await register(container, org, applicant)
    await decide(container, first.review_id, official, Decision.APPROVE)

    async def allowed(local: str) -> bool:
        clock.set(at(local))
        state = (await mine(container, applicant)).change
        try:
            await change(container, org, applicant, changed_values(), draft=True)
        except Conflict as refused:
            assert (refused.code, refused.message) == (state.code, state.reason)
            assert refused.code == "change_period_closed" and "每年03-01至04-30" in refused.message
            assert state.allowed is False
            return False
        assert state.allowed is True
        return True

    # First registered this year: all year, the window included, to the last second of the year (Beijing).
    assert await allowed("2026-03-02T10:00:01")
    assert await allowed("2026-04-30T23:59:59")
    assert await allowed("2026-12-31T23:59:59")
    # Registered last year: outside the window only; its edges in Beijing time.
    assert await allowed("2027-01-01T00:00:00")
    assert await allowed("2027-02-28T23:59:59")
    assert not await allowed("2027-03-01T00:00:00")
    assert not await allowed("2027-04-30T23:59:59")
    assert await allowed("2027-05-01T00:00:00")


async def test_an_update_under_review_holds_the_change_and_a_change_under_review_holds_the_update(
    org: Org, container: Container, clock: ManualClock
) -> None:
    applicant = await certified_applicant(org, container)
    official = await _city_official_id(container)
    first = await register(container, org, applicant)
    await decide(container, first.review_id, official, Decision.APPROVE)

    # Next year, before the window: a change goes to review; the window opens; no update meanwhile.
    clock.set(at("2027-02-26T10:00:00"))
    pending = await change(container, org, applicant, changed_values(), draft=False)
    clock.set(at("2027-03-02T10:00:00"))
    with pytest.raises(Conflict) as held:
        await save_institution_registration(
            SaveInstitutionRegistration(applicant, filled(), draft=True), container.uow(), WINDOW, org.regions
        )
    assert held.value.code == "change_pending"
    await decide(container, pending.review_id, official, Decision.APPROVE)

    # The update, prefilled from the changed record, is submitted; while it is reviewed no change is asked.
    update = await save_institution_registration(
        SaveInstitutionRegistration(applicant, changed_values(), draft=False), container.uow(), WINDOW, org.regions
    )
    assert update.kind == "update" and update.status == "pending"
    assert (await mine(container, applicant)).change.code in ("update_pending", "change_period_closed")
    clock.set(at("2027-05-01T10:00:00"))
    state = (await mine(container, applicant)).change
    assert state.code == "update_pending" and "年度更新正在审核中" in (state.reason or "")
    await decide(container, update.review_id, official, Decision.APPROVE)

    # Approved this year, but first registered in 2026: outside the window, a change of the update's record.
    state = (await mine(container, applicant)).change
    assert state.allowed is True and state.base_id == update.id
    after = await change(container, org, applicant, {**changed_values(), "staff_total": 40}, draft=True)
    assert after.changes_id == update.id and after.changes_number == "33010020270001"
