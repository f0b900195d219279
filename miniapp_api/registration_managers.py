"""Technology-manager registration (seeds 000 二 and 001 §二): the manager's own form, the institution's review
lists, certificate corrections, 驳回更新 and deletion. The reviews themselves are decided on the review card or at
POST /reviews/{review_id}/decision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from aiohttp import web

from handlers.errors import InvalidInput
from handlers.files.store_file import StoredFileView
from handlers.registration.manager_correct_certificate import CERTIFICATE, CorrectCertificate, correct_certificate
from handlers.registration.manager_delete import DeleteManager, ManagerDeleted, delete_manager
from handlers.registration.manager_form import MANAGER
from handlers.registration.manager_get import GetManager, GetOwnManager, get_manager, get_own_manager
from handlers.registration.manager_institution_list import (
    ListInstitutionManagers,
    ManagerList,
    list_institution_managers,
)
from handlers.registration.manager_record import ManagerView
from handlers.registration.manager_return_for_update import ReturnManagerForUpdate, return_manager_for_update
from handlers.registration.manager_submit import SubmitManager, submit_manager
from handlers.registration.manager_upload_scan import UploadManagerScan, upload_manager_scan
from miniapp_api import rest
from miniapp_api.body import Text, Upload, UploadedFile, fields, form
from miniapp_api.schemas import operation, schema_of


@dataclass(frozen=True)
class ManagerForm:
    """The form's values as read (handlers.registration.manager_form) and whether it is only saved."""

    values: dict[str, Any]
    draft: bool = False


def _manager_form(draft: bool = False, **values: Any) -> ManagerForm:
    return ManagerForm(values, draft)


def _certificate(**values: Any) -> dict[str, Any]:
    return values


@dataclass(frozen=True)
class MyManager:
    manager: ManagerView | None  # None before anything was saved


@dataclass(frozen=True)
class Managers:
    managers: list[ManagerView]


@dataclass(frozen=True)
class ReturnBody:
    reason: Annotated[str, Text(description="驳回更新的说明（可选）")]


async def own(request: web.Request) -> web.Response:
    found = await get_own_manager(GetOwnManager(rest.actor_id(request)), rest.container(request).uow())
    return rest.json(MyManager(found))


async def submit(request: web.Request, body: ManagerForm) -> web.Response:
    container = rest.container(request)
    cmd = SubmitManager(rest.actor_id(request), body.values, body.draft)
    view = await submit_manager(cmd, container.uow(), container.registration_policy)
    return rest.json(view, status=200 if body.draft else 201)


async def new_scan(request: web.Request, file: UploadedFile) -> web.Response:
    filename, content = await file.read()
    container = rest.container(request)
    cmd = UploadManagerScan(rest.actor_id(request), filename, content)
    return rest.json(await upload_manager_scan(cmd, container.uow(), container.files), status=201)


async def one(request: web.Request) -> web.Response:
    cmd = GetManager(rest.actor_id(request), rest.path_id(request, "manager_id"))
    return rest.json(await get_manager(cmd, rest.container(request).uow(), rest.container(request).registration_policy))


async def certificate(request: web.Request, body: dict[str, Any]) -> web.Response:
    container = rest.container(request)
    cmd = CorrectCertificate(rest.actor_id(request), rest.path_id(request, "manager_id"), body)
    return rest.json(await correct_certificate(cmd, container.uow(), container.registration_policy))


async def return_for_update(request: web.Request, body: ReturnBody) -> web.Response:
    container = rest.container(request)
    cmd = ReturnManagerForUpdate(rest.actor_id(request), rest.path_id(request, "manager_id"), body.reason)
    return rest.json(await return_manager_for_update(cmd, container.uow(), container.registration_policy))


async def remove(request: web.Request) -> web.Response:
    cmd = DeleteManager(rest.actor_id(request), rest.path_id(request, "manager_id"))
    done = await delete_manager(cmd, rest.container(request).uow(), rest.container(request).registration_policy)
    return rest.json(done, status=200 if done.deleted else 202)


async def institution_list(request: web.Request) -> web.Response:
    try:
        which = ManagerList(request.query.get("list", ManagerList.REVIEW.value))
    except ValueError:
        raise InvalidInput("list 应为 review 或 updates", code="invalid_field", field="list") from None
    cmd = ListInstitutionManagers(rest.actor_id(request), rest.path_id(request, "institution_id"), which)
    return rest.json(Managers(await list_institution_managers(cmd, rest.container(request).uow())))


_VIEW = schema_of(ManagerView)
_NOT_ADMIN = "forbidden"

ROUTES = [
    rest.route(
        "GET",
        "/technology-manager/registration",
        own,
        operation(
            "The caller's technology-manager registration: status (and stage), the reviewers' reason, the form's "
            "values, the review's receipt number and due date; null before anything was saved",
            ("200", schema_of(MyManager)),
        ),
    ),
    rest.route(
        "POST",
        "/technology-manager/registration",
        submit,
        operation(
            "Save (draft: true) or submit the technology-manager registration (技术经理人登记): with an "
            "institution's invitation code the institution reviews first, then the city; without one it is an "
            "individual registration (ID-card and title-certificate scans required) reviewed by the city. The ID "
            "number and the invitation code are fixed by the first submission",
            ("201", _VIEW),
            ok_description="submitted",
            also={"200": "saved as a draft"},
            errors={
                "404": "scan_not_found",
                "409": "manager_pending / manager_update_needs_return / manager_deletion_pending / id_number_locked "
                "/ invitation_code_locked / id_number_registered / invitation_revoked / invitation_expired / "
                "invitation_exhausted / no_reviewer",
                "422": "invalid_form / missing_field / field_too_long / too_many_items / too_few_items / "
                "title_too_low / id_number_format / id_number_birth_date / id_number_check / "
                "work_history_too_short / work_history_order / invalid_invitation_code",
            },
        ),
        body=form(MANAGER, _manager_form),
    ),
    rest.route(
        "POST",
        "/technology-manager/scans",
        new_scan,
        operation(
            "An ID-card or title-certificate scan (jpg, png, pdf up to 5 MB; type checked by content); name its "
            "id as id_card_file_id or title_certificate_file_id",
            ("201", schema_of(StoredFileView)),
            errors={"413": "file_too_large", "415": "unsupported_file_type", "422": "file_missing"},
        ),
        body=Upload("manager_scan", "扫描件", "请以 multipart/form-data 上传扫描件（字段名 file）"),
    ),
    rest.route(
        "GET",
        "/technology-managers/{manager_id}",
        one,
        operation(
            "One technology manager's registration, for the manager, the bound institution's admins, the "
            "officials and the platform (the card's 查看详情)",
            ("200", _VIEW),
            errors={"404": "manager_not_found"},
        ),
    ),
    rest.route(
        "PATCH",
        "/technology-managers/{manager_id}/certificate",
        certificate,
        operation(
            "The institution corrects the certificate details while its review is open (机构审核)",
            ("200", _VIEW),
            errors={"403": _NOT_ADMIN, "404": "manager_not_found", "409": "manager_not_at_institution"},
        ),
        body=form(CERTIFICATE, _certificate),
    ),
    rest.route(
        "POST",
        "/technology-managers/{manager_id}/return",
        return_for_update,
        operation(
            "驳回更新: the institution returns an approved bound manager's record for editing; the resubmission "
            "appears in ?list=updates",
            ("200", _VIEW),
            errors={
                "403": _NOT_ADMIN,
                "404": "manager_not_found",
                "409": "manager_not_approved / manager_deletion_pending",
            },
        ),
        body=fields(ReturnBody),
    ),
    rest.route(
        "DELETE",
        "/technology-managers/{manager_id}",
        remove,
        operation(
            "The institution deletes a manager: removed at once before approval (200); an approved one is "
            "submitted to the platform, whose approval unbinds them (202)",
            ("200", schema_of(ManagerDeleted)),
            ok_description="removed",
            also={"202": "an approved manager: submitted to the platform"},
            errors={"403": _NOT_ADMIN, "404": "manager_not_found", "409": "manager_deletion_pending / manager_pending"},
        ),
    ),
    rest.route(
        "GET",
        "/institutions/{institution_id}/technology-manager-registrations",
        institution_list,
        operation(
            "An institution's technology managers: ?list=review (经理人审核, default) or ?list=updates "
            "(经理人驳回更新: resubmissions after 驳回更新)",
            ("200", schema_of(Managers)),
            errors={"403": _NOT_ADMIN, "422": "invalid_field"},
        ),
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
