"""Technology-transfer institution registration (技术转移机构登记, seed 000 一.4): a certified organisation
saves (保存) and submits (提交) its first registration; the city bureau of its region decides on the review card
or at POST /reviews/{review_id}/decision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

from handlers.reference.regions import Regions
from handlers.registration.get_institution_registration import (
    GetInstitutionRegistration,
    MyRegistration,
    get_institution_registration,
)
from handlers.registration.get_institution_registration_for_review import (
    GetInstitutionRegistrationForReview,
    get_institution_registration_for_review,
)
from handlers.registration.institution_form import INSTITUTION_CHANGE, INSTITUTION_REGISTRATION
from handlers.registration.institution_registration import RegistrationView
from handlers.registration.save_institution_change import SaveInstitutionChange, save_institution_change
from handlers.registration.save_institution_registration import (
    SaveInstitutionRegistration,
    save_institution_registration,
)
from miniapp_api import rest
from miniapp_api.body import form
from miniapp_api.schemas import operation, schema_of


@dataclass(frozen=True)
class FilledRegistration:
    """The institution-registration form (handlers.registration.institution_form) and `draft`."""

    values: dict[str, Any]
    draft: bool


def _filled(**values: Any) -> FilledRegistration:
    draft = bool(values.pop("draft"))
    return FilledRegistration(values, draft)


async def my_registration(request: web.Request) -> web.Response:
    found = await get_institution_registration(
        GetInstitutionRegistration(rest.actor_id(request)),
        rest.container(request).uow(),
        rest.container(request).registration_policy,
    )
    return rest.json(found)


async def save(request: web.Request, body: FilledRegistration) -> web.Response:
    container = rest.container(request)
    cmd = SaveInstitutionRegistration(rest.actor_id(request), body.values, body.draft)
    view = await save_institution_registration(cmd, container.uow(), container.registration_policy, Regions.load())
    return rest.json(view)


async def save_change(request: web.Request, body: FilledRegistration) -> web.Response:
    container = rest.container(request)
    cmd = SaveInstitutionChange(rest.actor_id(request), body.values, body.draft)
    view = await save_institution_change(cmd, container.uow(), container.registration_policy, Regions.load())
    return rest.json(view)


async def registration(request: web.Request) -> web.Response:
    cmd = GetInstitutionRegistrationForReview(rest.actor_id(request), rest.path_id(request, "registration_id"))
    return rest.json(await get_institution_registration_for_review(cmd, rest.container(request).uow()))


_VIEW = schema_of(RegistrationView)

ROUTES = [
    rest.route(
        "GET",
        "/institution-registration",
        my_registration,
        operation(
            "The caller's institution registrations (one row per registration, newest first: status, the city "
            "bureau's reason, the registration number, the receipt number and due date) and the certified "
            "identity that fills the form's locked fields (null before unit certification)",
            ("200", schema_of(MyRegistration)),
        ),
    ),
    rest.route(
        "PUT",
        "/institution-registration",
        save,
        operation(
            "Save (draft: true, 保存) or submit (draft: false, 提交) the first registration of the caller's "
            "certified unit as a technology-transfer institution; a submission is reviewed by the city bureau of "
            "the unit's region; a rejected or returned registration is edited and submitted again; once approved, "
            "saving again is the annual update (年度更新) within the configured window: a new row, reviewed again",
            ("200", _VIEW),
            errors={
                "403": "forbidden: the unit is not certified",
                "409": "registration_pending / registered_this_year / update_window_closed / no_reviewer",
                "422": "missing_field / field_too_long / too_many_items / too_few_items / invalid_choice / "
                "introduction_contact_missing / rules_not_listed / staff_exceeds_total / "
                "full_time_exceeds_transfer / performance_too_long / field_not_allowed",
            },
        ),
        body=form(INSTITUTION_REGISTRATION, _filled),
    ),
    rest.route(
        "PUT",
        "/institution-registration/change",
        save_change,
        operation(
            "Save (draft: true) or submit (draft: false) a basic-information change (基础信息变更) of the caller's "
            "latest approved registration: the whole form as changed; allowed all year for an institution first "
            "registered this year, otherwise outside the annual-update window (GET /institution-registration's "
            "`change` says whether and why not). The city bureau reviews the field-by-field difference; the "
            "approved record changes only on approval and keeps its number",
            ("200", _VIEW),
            errors={
                "403": "forbidden: the unit is not certified",
                "409": "change_not_registered / change_period_closed / update_pending / change_pending / no_reviewer",
                "422": "change_unchanged, and the registration form's errors",
            },
        ),
        body=form(INSTITUTION_CHANGE, _filled),
    ),
    rest.route(
        "GET",
        "/institution-registrations/{registration_id}",
        registration,
        operation(
            "One institution registration, for its city bureau's reviewers (the card's 查看详情), the system "
            "admins and the applicant",
            ("200", _VIEW),
            errors={"404": "registration_not_found"},
        ),
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
