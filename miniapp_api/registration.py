"""Registration (seeds 000/001): self-registration by phone and SMS code, and the unit certification an
organisation account submits for the platform to review (its decision is taken on the review card or at
POST /reviews/{review_id}/decision)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from aiohttp import web

from handlers.files.store_file import StoredFileView
from handlers.reference.regions import Regions
from handlers.registration.certification import CertificationView
from handlers.registration.form import CERTIFICATION
from handlers.registration.get_certification import GetCertification, get_certification
from handlers.registration.get_certification_for_review import (
    GetCertificationForReview,
    get_certification_for_review,
)
from handlers.registration.look_up_certification import (
    CertificationPrefill,
    LookUpCertification,
    look_up_certification,
)
from handlers.registration.open_licence import OpenLicence, open_licence
from handlers.registration.register_account import RegisterAccount, register_account
from handlers.registration.submit_certification import SubmitCertification, submit_certification
from handlers.registration.upload_licence import UploadLicence, upload_licence
from miniapp_api import rest
from miniapp_api.auth import SESSION_SCHEMA, Kind
from miniapp_api.body import Text, Upload, UploadedFile, fields, form
from miniapp_api.rest import Access
from miniapp_api.schemas import operation, schema_of


@dataclass(frozen=True)
class RegisterBody:
    mobile: Annotated[str, Text(required=True)]
    code: Annotated[str, Text(required=True)]
    name: Annotated[str, Text()]
    kind: Kind


async def register_view(request: web.Request, body: RegisterBody) -> web.Response:
    container = rest.container(request)
    done = await register_account(
        RegisterAccount(body.mobile, body.code, body.name, body.kind), container.uow(), container.auth_policy
    )
    issued = done.session
    return web.json_response(
        {
            "token": issued.token,
            "token_type": "Bearer",
            "kind": issued.kind.value,
            "account_id": issued.account_id,
            "bound": True,
            "must_change_password": issued.must_change_password,
            "created": done.created,
        },
        status=201 if done.created else 200,
    )


@dataclass(frozen=True)
class MyCertification:
    certification: CertificationView | None  # None before the first submission


@dataclass(frozen=True)
class NewCertification:
    """The unit-certification form (handlers.registration.form)."""

    name: str
    credit_code: str
    legal_representative: str
    licence_file_id: int | None


async def new_licence(request: web.Request, file: UploadedFile) -> web.Response:
    filename, content = await file.read()
    container = rest.container(request)
    cmd = UploadLicence(rest.actor_id(request), filename, content)
    return rest.json(await upload_licence(cmd, container.uow(), container.files), status=201)


async def registry_record(request: web.Request) -> web.Response:
    cmd = LookUpCertification(request.query.get("name", ""))
    return rest.json(await look_up_certification(cmd, rest.container(request).registry))


async def my_certification(request: web.Request) -> web.Response:
    found = await get_certification(GetCertification(rest.actor_id(request)), rest.container(request).uow())
    return rest.json(MyCertification(found))


async def certify(request: web.Request, body: NewCertification) -> web.Response:
    container = rest.container(request)
    cmd = SubmitCertification(
        rest.actor_id(request), body.name, body.credit_code, body.legal_representative, body.licence_file_id
    )
    view = await submit_certification(
        cmd, container.uow(), container.registration_policy, container.registry, Regions.load()
    )
    return rest.json(view, status=201)


async def licence_file(request: web.Request) -> web.Response:
    container = rest.container(request)
    cmd = OpenLicence(rest.actor_id(request), rest.path_id(request, "certification_id"))
    return rest.download(request, await open_licence(cmd, container.uow(), container.files))


async def certification(request: web.Request) -> web.Response:
    cmd = GetCertificationForReview(rest.actor_id(request), rest.path_id(request, "certification_id"))
    return rest.json(await get_certification_for_review(cmd, rest.container(request).uow()))


_REGISTERED: dict[str, Any] = {
    **SESSION_SCHEMA,
    "required": [*SESSION_SCHEMA["required"], "created"],
    "properties": {
        **SESSION_SCHEMA["properties"],
        "created": {"type": "boolean", "description": "false: the number had an account, now signed in"},
    },
}
_VIEW = schema_of(CertificationView)

ROUTES = [
    rest.route(
        "POST",
        "/auth/register",
        register_view,
        operation(
            "Register with 手机号 + 验证码 (a code asked with purpose register); a number that has an account signs "
            "into it (one person, one account); name is required only for a new account",
            ("201", _REGISTERED),
            ok_description="a new account and its session",
            also={"200": "the number's existing account, signed in (created: false)"},
            errors={"401": "invalid_sms_code", "403": "account_disabled", "422": "missing_field / field_too_long"},
        ),
        body=fields(RegisterBody),
        access=Access.PUBLIC,
    ),
    rest.route(
        "POST",
        "/certification/licence",
        new_licence,
        operation(
            "The business licence scan for unit certification (jpg, png, pdf; type checked by content); name its "
            "id as licence_file_id",
            ("201", schema_of(StoredFileView)),
            errors={"413": "file_too_large", "415": "unsupported_file_type", "422": "file_missing"},
        ),
        body=Upload("licence", "营业执照", "请以 multipart/form-data 上传营业执照（字段名 file）"),
    ),
    rest.route(
        "GET",
        "/certification/registry",
        registry_record,
        operation(
            "Prefill unit certification from the business registry by the unit's full name (?name=)",
            ("200", schema_of(CertificationPrefill)),
            errors={
                "404": "registry_record_not_found",
                "422": "missing_field / field_too_long",
                "503": "registry_unavailable: not configured or down; type the details in",
            },
        ),
    ),
    rest.route(
        "GET",
        "/certification",
        my_certification,
        operation(
            "The caller's unit certification: status, what was submitted, the certified identity, the review's "
            "receipt number and due date; null before the first submission",
            ("200", schema_of(MyCertification)),
        ),
    ),
    rest.route(
        "POST",
        "/certification",
        certify,
        operation(
            "Submit unit certification (单位认证) for the platform's review; once certified the credit code is "
            "fixed, and a new name or legal representative is a re-certification",
            ("201", _VIEW),
            errors={
                "404": "licence_not_found",
                "409": "certification_pending / credit_code_locked / certification_unchanged / "
                "credit_code_certified / credit_code_mismatch / no_reviewer",
                "422": "missing_field / field_too_long / credit_code_length / credit_code_character / "
                "credit_code_check / credit_code_region",
            },
        ),
        body=form(CERTIFICATION, NewCertification),
    ),
    rest.route(
        "GET",
        "/certifications/{certification_id}",
        certification,
        operation(
            "One unit certification, for the platform's reviewers (the card's 查看详情) and its applicant",
            ("200", _VIEW),
            errors={"404": "certification_not_found"},
        ),
    ),
    rest.route(
        "GET",
        "/certifications/{certification_id}/licence",
        licence_file,
        operation(
            "The certification's licence scan, for the platform's reviewers and the applicant, under its original "
            "name; ?inline=1 to show it in place",
            ("200", {"type": "string", "format": "binary"}),
            errors={"404": "file_not_found"},
            content_type="application/octet-stream",
        ),
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
