"""The demand pages: list and detail in scope, staff submission and editing, withdraw and close, the
enterprise pool with 揭榜, and a reviewer's decision from the micro-app (the same use case as the card)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from aiohttp import web

from handlers.demands.close_demand import CloseDemand, close_demand
from handlers.demands.fields import ATTACHMENT_PURPOSE, DemandFields
from handlers.demands.form import DEMAND, DEMAND_EDIT, POOL_DEMAND
from handlers.demands.get_demand import GetDemand, get_demand
from handlers.demands.list_demand_pool import ListDemandPool, PoolRow, list_demand_pool
from handlers.demands.list_demands import ListDemands, list_demands
from handlers.demands.open_demand_file import OpenDemandFile, open_demand_file
from handlers.demands.policy import DemandPolicy
from handlers.demands.resubmit_demand import ResubmitDemand, resubmit_demand
from handlers.demands.submit_demand import DemandSubmitted, SubmitDemand, submit_demand
from handlers.demands.submit_pool_demand import PoolDemandSubmitted, SubmitPoolDemand, submit_pool_demand
from handlers.demands.take_up_demand import DemandTakenUp, TakeUpDemand, take_up_demand
from handlers.demands.update_demand import UpdateDemand, update_demand
from handlers.demands.upload_attachment import UploadDemandAttachment, upload_demand_attachment
from handlers.demands.views import DemandDetail, DemandRow, StatusLabels, status_labels
from handlers.demands.withdraw_demand import WithdrawDemand, withdraw_demand
from handlers.errors import InvalidInput
from handlers.files.store_file import StoredFileView
from handlers.reviews.decide_review import DecideReview, Decision, ReviewDecided, decide_review, repeated_decision
from handlers.reviews.list_my_reviews import ListMyReviews, MyReviews, list_my_reviews
from handlers.reviews.subjects import default_subjects
from handlers.transactions import Claim, transact
from miniapp_api import rest
from miniapp_api.body import (
    Field,
    Int32,
    Integer,
    Text,
    Upload,
    UploadedFile,
    fields,
    form,
    text,
)
from miniapp_api.schemas import BOOL, INT, STR, obj, operation, page_of, schema_of
from store.inbox import Inbound

_FIELD_ERRORS = {
    "422": "missing_field / invalid_tech_field / fee_ratio_below_floor / fee_ratio_below_institution",
    "404": "not_found / attachment_not_found",
}
_OK = {"type": "object", "properties": {"ok": BOOL}}


def policy(request: web.Request) -> DemandPolicy:
    return rest.container(request).demand_policy


@dataclass(frozen=True)
class DemandForm:
    """A demand's fields, as staff, the docking side and an enterprise fill them in (handlers.demands.form)."""

    title: str
    tech_fields: tuple[str, ...]
    description: str
    region_code: str
    expected_result: str
    fee_ratio_bp: int
    budget_fen: int | None
    deadline: date | None
    attachment_ids: tuple[int, ...]

    def fields(self) -> DemandFields:
        return DemandFields(
            title=self.title,
            tech_fields=self.tech_fields,
            description=self.description,
            region_code=self.region_code,
            expected_result=self.expected_result,
            fee_ratio_bp=self.fee_ratio_bp,
            budget_fen=self.budget_fen,
            deadline=self.deadline,
            attachment_ids=self.attachment_ids,
        )


@dataclass(frozen=True)
class NewDemand(DemandForm):
    enterprise_id: int
    draft: bool


@dataclass(frozen=True)
class PoolDemand(DemandForm):
    enterprise_id: int | None


async def new_attachment(request: web.Request, file: UploadedFile) -> web.Response:
    filename, content = await file.read()
    container = rest.container(request)
    cmd = UploadDemandAttachment(rest.actor_id(request), filename, content)
    return rest.json(await upload_demand_attachment(cmd, container.uow(), container.files), status=201)


async def demand_statuses(request: web.Request) -> web.Response:
    """Every status with its Chinese name: the pages read names here, not from a table of their own."""
    return rest.json(status_labels())


async def demands(request: web.Request) -> web.Response:
    cmd = ListDemands(rest.actor_id(request), rest.page_request(request), request.query.get("status") or None)
    return rest.page_json(await list_demands(cmd, rest.container(request).uow()))


async def new_demand(request: web.Request, body: NewDemand) -> web.Response:
    cmd = SubmitDemand(rest.actor_id(request), body.enterprise_id, body.fields(), body.draft)
    return rest.json(await submit_demand(cmd, rest.container(request).uow(), policy(request)), status=201)


async def demand(request: web.Request) -> web.Response:
    cmd = GetDemand(rest.actor_id(request), rest.path_id(request, "demand_id"))
    return rest.json(await get_demand(cmd, rest.container(request).uow()))


async def demand_file(request: web.Request) -> web.Response:
    container = rest.container(request)
    cmd = OpenDemandFile(rest.actor_id(request), rest.path_id(request, "demand_id"), rest.path_id(request, "file_id"))
    return rest.download(request, await open_demand_file(cmd, container.uow(), container.files))


async def edit_demand(request: web.Request, body: DemandForm) -> web.Response:
    cmd = UpdateDemand(rest.actor_id(request), rest.path_id(request, "demand_id"), body.fields())
    updated = await update_demand(cmd, rest.container(request).uow(), policy(request))
    return rest.json({"ok": True, "changed": updated.changed})


async def submit(request: web.Request) -> web.Response:
    cmd = ResubmitDemand(rest.actor_id(request), rest.path_id(request, "demand_id"))
    return rest.json({"review_id": await resubmit_demand(cmd, rest.container(request).uow(), policy(request))})


async def withdraw(request: web.Request) -> web.Response:
    await withdraw_demand(
        WithdrawDemand(rest.actor_id(request), rest.path_id(request, "demand_id")), rest.container(request).uow()
    )
    return rest.json({"ok": True})


@dataclass(frozen=True)
class Closing:
    reason: Annotated[str, Text(required=True)]


async def close(request: web.Request, body: Closing) -> web.Response:
    cmd = CloseDemand(rest.actor_id(request), rest.path_id(request, "demand_id"), body.reason)
    await close_demand(cmd, rest.container(request).uow())
    return rest.json({"ok": True})


async def pool(request: web.Request) -> web.Response:
    cmd = ListDemandPool(rest.actor_id(request), rest.page_request(request))
    return rest.page_json(await list_demand_pool(cmd, rest.container(request).uow(), policy(request)))


async def post_to_pool(request: web.Request, body: PoolDemand) -> web.Response:
    cmd = SubmitPoolDemand(rest.actor_id(request), body.fields(), body.enterprise_id)
    return rest.json(await submit_pool_demand(cmd, rest.container(request).uow(), policy(request)), status=201)


@dataclass(frozen=True)
class TakingUp:
    staff_account_id: Annotated[int, Integer(required=True)]


async def take_up(request: web.Request, body: TakingUp) -> web.Response:
    cmd = TakeUpDemand(rest.actor_id(request), rest.path_id(request, "demand_id"), body.staff_account_id)
    return rest.json(await take_up_demand(cmd, rest.container(request).uow(), policy(request)))


async def my_reviews(request: web.Request) -> web.Response:
    return rest.json(await list_my_reviews(ListMyReviews(rest.actor_id(request)), rest.container(request).uow()))


def _decision(body: dict[str, Any], name: str) -> Decision:
    try:
        return Decision(text(body, name))
    except ValueError:
        raise InvalidInput("decision 应为 approve、reject 或 return", code="invalid_field") from None


@dataclass(frozen=True)
class Deciding:
    decision: Annotated[
        Decision, Field(_decision, {"type": "string", "enum": [d.value for d in Decision]}, required=True)
    ]
    stage: Annotated[int, Int32(required=True)]
    reason: Annotated[str, Text()]


async def decision(request: web.Request, body: Deciding) -> web.Response:
    cmd = DecideReview(
        rest.path_id(request, "review_id"), body.stage, body.decision, body.reason, account_id=rest.actor_id(request)
    )
    # The configured policy, as the card press uses: the detail link and the enterprise's SMS template.
    subjects = default_subjects(policy(request), rest.container(request).registration_policy)
    # A retried request (the same reviewer's same decision on the stage) has no second effect.
    key = f"review:{cmd.review_id}:{cmd.stage}:{cmd.account_id}:{body.decision}"
    claim = Claim(key, Inbound.REVIEW_DECISION, lambda tx: repeated_decision(cmd, tx))
    decided = await transact(
        rest.container(request).uow(), lambda tx: decide_review(cmd, tx, subjects=subjects), claim=claim, clash=None
    )
    return rest.json(decided)


_upload_doc = operation(
    "A demand attachment (jpg, png, pdf, doc, docx, xls, xlsx; type checked by content); name its id on the demand",
    ("201", schema_of(StoredFileView)),
    errors={"413": "file_too_large", "415": "unsupported_file_type", "422": "file_missing"},
)

_download_doc = operation(
    "A file of the demand — an attachment, a follow-up's attachment, the project's contract or fee-payment proof — "
    "for whoever sees it where it is listed; under its original name (RFC 5987 filename*) and detected type; "
    "?inline=1 to show it in place",
    ("200", {"type": "string", "format": "binary"}),
    errors={"404": "file_not_found"},
    content_type="application/octet-stream",
)

ROUTES = [
    rest.route(
        "GET",
        "/demand-statuses",
        demand_statuses,
        operation(
            "Demand statuses with their Chinese names, in the state machine's order",
            ("200", schema_of(StatusLabels)),
        ),
        access=rest.Access.PUBLIC,
    ),
    rest.route(
        "POST",
        "/demand-attachments",
        new_attachment,
        _upload_doc,
        body=Upload(ATTACHMENT_PURPOSE, "附件", "请以 multipart/form-data 上传文件（字段名 file）"),
    ),
    rest.route(
        "GET",
        "/demands",
        demands,
        operation(
            "Demands in the caller's scope, most recently changed first", ("200", page_of(DemandRow)), paged=True
        ),
    ),
    rest.route(
        "POST",
        "/demands",
        new_demand,
        operation(
            "A staff member records a demand for an enterprise their institution serves (draft or to review)",
            ("201", schema_of(DemandSubmitted)),
            errors=_FIELD_ERRORS,
        ),
        body=form(DEMAND, NewDemand),
    ),
    rest.route(
        "GET",
        "/demands/{demand_id}",
        demand,
        operation("One demand with its timeline", ("200", schema_of(DemandDetail)), errors={"404": "not_found"}),
    ),
    rest.route("GET", "/demands/{demand_id}/files/{file_id}", demand_file, _download_doc),
    rest.route(
        "PUT",
        "/demands/{demand_id}",
        edit_demand,
        operation(
            "The owner edits a draft or a demand returned for update; the docking side edits a demand in docking or "
            "published (its fee ratio stays as approved). Each change is a timeline step, old → new",
            ("200", obj(["ok", "changed"], ok=BOOL, changed={"type": "array", "items": STR})),
            errors={**_FIELD_ERRORS, "409": "illegal_transition / fee_ratio_locked"},
        ),
        body=form(DEMAND_EDIT, DemandForm),
    ),
    rest.route(
        "POST",
        "/demands/{demand_id}/submit",
        submit,
        operation(
            "The owner sends a draft or a returned demand to review (a new round)",
            ("200", obj(["review_id"], review_id=INT)),
            errors={"404": "not_found", "409": "illegal_transition"},
        ),
    ),
    rest.route(
        "POST",
        "/demands/{demand_id}/withdraw",
        withdraw,
        operation(
            "The owner withdraws a demand under review back to a draft",
            ("200", _OK),
            errors={"404": "not_found", "409": "illegal_transition / review_decided"},
        ),
    ),
    rest.route(
        "POST",
        "/demands/{demand_id}/close",
        close,
        operation(
            "The owner or the institution's admin closes a demand, with a reason",
            ("200", _OK),
            errors={"404": "not_found", "409": "illegal_transition", "422": "reason_required"},
        ),
        body=fields(Closing),
    ),
    rest.route(
        "GET",
        "/demand-pool",
        pool,
        operation(
            "Enterprises' demands waiting to be taken up in the cities where the caller's institution has a centre; "
            "can_take_up says whether its institution may take each up (fee ratio ≥ the platform floor and the "
            "institution's minimum), take_up_refusal why not",
            ("200", page_of(PoolRow)),
            paged=True,
        ),
    ),
    rest.route(
        "POST",
        "/demand-pool",
        post_to_pool,
        operation(
            "An enterprise contact posts their enterprise's demand to the pool",
            ("201", schema_of(PoolDemandSubmitted)),
            errors=_FIELD_ERRORS,
        ),
        body=form(POOL_DEMAND, PoolDemand),
    ),
    rest.route(
        "POST",
        "/demands/{demand_id}/take-up",
        take_up,
        operation(
            "揭榜: an institution or centre admin takes up a pooled demand and names the docking staff member",
            ("200", schema_of(DemandTakenUp)),
            errors={"404": "not_found / staff_not_found", "409": "already_taken", "422": "fee_ratio_below_institution"},
        ),
        body=fields(TakingUp),
    ),
    rest.route(
        "GET",
        "/reviews/mine",
        my_reviews,
        operation(
            "The reviews waiting for the caller, soonest due first, each with its due date and working days overdue; "
            "waiting and overdue are the workbench's counts",
            ("200", schema_of(MyReviews)),
        ),
    ),
    rest.route(
        "POST",
        "/reviews/{review_id}/decision",
        decision,
        operation(
            "A reviewer of the stage decides (as the card's buttons do); a decided stage answers won=false",
            ("200", schema_of(ReviewDecided)),
            errors={"404": "not_found", "422": "reason_required"},
        ),
        body=fields(Deciding),
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
