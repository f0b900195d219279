"""The annual update (年度更新, seed 000 一.5): within the configured window only, not in the year of the last
approval; a row of its own beside the approved record, reviewed again by the city, a new number on approval."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.bootstrap import Container
from handlers.clock import ManualClock
from handlers.errors import Conflict
from handlers.registration.get_institution_registration import (
    GetInstitutionRegistration,
    get_institution_registration,
)
from handlers.registration.institution_registration import RegistrationView
from handlers.registration.save_institution_registration import (
    SaveInstitutionRegistration,
    save_institution_registration,
)
from handlers.reviews.decide_review import DecideReview, Decision, decide_review
from store.models.demands import Review
from store.models.organisation import Account
from tests.organisation.conftest import Org
from tests.policies import REGISTRATION, SUBJECTS
from tests.registration.institution_fixtures import certified_applicant, filled

WINDOW = replace(REGISTRATION, update_opens="03-01", update_closes="04-30")


async def approve(container: Container, review_id: int | None, official: int) -> None:
    assert review_id is not None
    async with container.uow() as tx:
        await decide_review(DecideReview(review_id, 0, Decision.APPROVE, account_id=official), tx, subjects=SUBJECTS)
        await tx.commit()


async def save(container: Container, org: Org, applicant: int, *, draft: bool, **changes: object) -> RegistrationView:
    cmd = SaveInstitutionRegistration(applicant, filled(**changes), draft=draft)
    return await save_institution_registration(cmd, container.uow(), WINDOW, org.regions)


async def test_the_annual_update_in_its_window_keeps_the_record_and_issues_a_new_number(
    org: Org, container: Container, clock: ManualClock
) -> None:
    applicant = await certified_applicant(org, container)
    official = await _city_official_id(container)
    first = await save(container, org, applicant, draft=False)
    await approve(container, first.review_id, official)

    # The year of the approval needs no update.
    with pytest.raises(Conflict) as same_year:
        await save(container, org, applicant, draft=True)
    assert same_year.value.code == "registered_this_year"

    # Next year, before the window: refused with the window named; the page offers no update.
    clock.set(datetime(2027, 2, 27, 2, tzinfo=UTC))
    with pytest.raises(Conflict) as closed:
        await save(container, org, applicant, draft=True)
    assert closed.value.code == "update_window_closed" and "03-01至04-30" in closed.value.message
    mine = await get_institution_registration(GetInstitutionRegistration(applicant), container.uow(), WINDOW)
    assert mine.update_open is False and mine.update_window == "每年03-01至04-30"  # the page shows when

    # In the window: the update is a new row, prefilled on the page from the approved record (update_open).
    clock.set(datetime(2027, 3, 1, 2, tzinfo=UTC))
    mine = await get_institution_registration(GetInstitutionRegistration(applicant), container.uow(), WINDOW)
    assert mine.update_open is True and mine.registrations[0].values["staff_total"] == 20
    draft = await save(container, org, applicant, draft=True, staff_total=25)
    assert (draft.kind, draft.kind_label, draft.status, draft.registration_number) == (
        "update",
        "年度更新",
        "draft",
        None,
    )
    update = await save(container, org, applicant, draft=False, staff_total=25)
    assert update.id == draft.id and update.status == "pending" and update.receipt_number is not None
    async with container.sessionmaker() as session:
        summary = await session.scalar(select(Review.summary).where(Review.id == update.review_id))
    assert summary is not None and summary.startswith("年度更新（原登记号：33010020260001）")
    await approve(container, update.review_id, official)

    mine = await get_institution_registration(GetInstitutionRegistration(applicant), container.uow(), WINDOW)
    rows = [(r.kind, r.status, r.registration_number, r.values["staff_total"]) for r in mine.registrations]
    # One row per registration and update, newest first; the first record kept as approved.
    assert rows == [("update", "approved", "33010020270001", 25), ("first", "approved", "33010020260001", 20)]
    assert mine.update_open is False
    with pytest.raises(Conflict) as again:
        await save(container, org, applicant, draft=True)
    assert again.value.code == "registered_this_year"


async def _city_official_id(container: Container) -> int:
    async with container.sessionmaker() as session:
        found = await session.scalar(select(Account.id).where(Account.mobile == "13722229001"))
    assert found is not None
    return found


def test_a_window_needs_both_ends_and_real_days() -> None:
    with pytest.raises(ValueError, match="update_opens"):
        replace(REGISTRATION, update_opens="03-01")
    with pytest.raises(ValueError):
        replace(REGISTRATION, update_opens="02-30", update_closes="04-30")
