"""需求公开: publishing a docking demand to other institutions, withdrawing it, the institutions' list, the
commitment letter and its acceptance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from aiohttp import web

from handlers.publications.accept_publication import AcceptPublication, PublicationAccepted, accept_publication
from handlers.publications.form import PUBLICATION
from handlers.publications.institution_directory import InstitutionDirectory, institution_directory
from handlers.publications.list_publications import SIDES, ListPublications, PublicationView, list_publications
from handlers.publications.publish_demand import DemandPublished, PublishDemand, publish_demand
from handlers.publications.render_letter import CommitmentLetter, RenderCommitmentLetter, render_commitment_letter
from handlers.publications.withdraw_publication import (
    PublicationWithdrawn,
    WithdrawPublication,
    withdraw_publication,
)
from miniapp_api import rest
from miniapp_api.body import Integer, Text, fields, form
from miniapp_api.demands import policy
from miniapp_api.schemas import obj, operation, schema_of


@dataclass(frozen=True)
class Publishing:
    """The publication form (handlers.publications.form)."""

    audience: str
    institution_ids: tuple[int, ...]
    fee_ratio_bp: int


async def publish(request: web.Request, body: Publishing) -> web.Response:
    cmd = PublishDemand(
        rest.actor_id(request),
        rest.path_id(request, "demand_id"),
        body.audience,
        body.fee_ratio_bp,
        body.institution_ids,
    )
    return rest.json(await publish_demand(cmd, rest.container(request).uow(), policy(request)), status=201)


async def withdraw(request: web.Request) -> web.Response:
    cmd = WithdrawPublication(rest.actor_id(request), rest.path_id(request, "demand_id"))
    return rest.json(await withdraw_publication(cmd, rest.container(request).uow()))


async def publications(request: web.Request) -> web.Response:
    cmd = ListPublications(rest.actor_id(request), request.query.get("side") or None)
    return rest.json({"items": rest.plain(await list_publications(cmd, rest.container(request).uow()))})


async def letter(request: web.Request) -> web.Response:
    cmd = RenderCommitmentLetter(rest.actor_id(request), rest.path_id(request, "publication_id"))
    return rest.json(await render_commitment_letter(cmd, rest.container(request).uow()))


@dataclass(frozen=True)
class Acceptance:
    letter_version: Annotated[str, Text(required=True)]
    letter_sha256: Annotated[str, Text(required=True, pattern="^[0-9a-f]{64}$")]
    staff_member_id: Annotated[int, Integer(required=True)]


async def accept(request: web.Request, body: Acceptance) -> web.Response:
    cmd = AcceptPublication(
        rest.actor_id(request),
        rest.path_id(request, "publication_id"),
        body.letter_version,
        body.letter_sha256,
        body.staff_member_id,
    )
    return rest.json(await accept_publication(cmd, rest.container(request).uow(), policy(request)))


_LIST = operation(
    "An institution admin's publications: those offered to the institution (open, or accepted by it) and "
    "those it published, newest first",
    ("200", obj(["items"], items={"type": "array", "items": schema_of(PublicationView)})),
    errors={"422": "invalid_side"},
)
_LIST.setdefault("parameters", []).append(
    {
        "name": "side",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": list(SIDES)},
        "description": "offered: ours to accept; published: ours",
    }
)


async def directory(request: web.Request) -> web.Response:
    return rest.json(await institution_directory(rest.actor_id(request), rest.container(request).uow()))


ROUTES = [
    rest.route(
        "GET",
        "/institution-directory",
        directory,
        operation(
            "The other institutions an institution admin may offer a demand to: id, name, region by name",
            ("200", schema_of(InstitutionDirectory)),
        ),
    ),
    rest.route(
        "POST",
        "/demands/{demand_id}/publication",
        publish,
        operation(
            "The demand's institution admin publishes a demand in docking (对接中 → 已公开) to all institutions or "
            "chosen ones, with the fee ratio the accepting institution commits to",
            ("201", schema_of(DemandPublished)),
            errors={
                "404": "not_found",
                "409": "illegal_transition",
                "422": "invalid_audience / fee_ratio_too_low / fee_ratio_too_high / missing_targets / "
                "targets_not_allowed / too_many_targets / own_institution_target / unknown_target / invalid_form "
                "(several at once)",
            },
        ),
        body=form(PUBLICATION, Publishing),
    ),
    rest.route(
        "POST",
        "/demands/{demand_id}/publication/withdraw",
        withdraw,
        operation(
            "The publisher's institution admin withdraws an open publication (已公开 → 对接中); refused once accepted",
            ("200", schema_of(PublicationWithdrawn)),
            errors={"404": "not_found", "409": "not_published / already_accepted"},
        ),
    ),
    rest.route("GET", "/publications", publications, _LIST),
    rest.route(
        "GET",
        "/publications/{publication_id}/letter",
        letter,
        operation(
            "The commitment letter (承诺函) the caller's institution would sign, with its version and sha256",
            ("200", schema_of(CommitmentLetter)),
            errors={"404": "not_found", "409": "already_accepted / publication_withdrawn"},
        ),
    ),
    rest.route(
        "POST",
        "/publications/{publication_id}/accept",
        accept,
        operation(
            "Accept an offered publication by confirming the letter seen (version and sha256) and naming the docking "
            "staff member; the first acceptance wins",
            ("200", schema_of(PublicationAccepted)),
            errors={
                "404": "not_found / staff_not_found",
                "409": "already_accepted / publication_withdrawn / stale_letter / illegal_transition",
            },
        ),
        body=fields(Acceptance),
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
