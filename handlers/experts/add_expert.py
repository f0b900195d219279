"""The institution admin adds an expert it maintains (seed 004 §六).

An expert another institution already maintains is the same person: this adds a second link, never a
second account or profile; the profile belongs to the person and stays as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from handlers.errors import Conflict
from handlers.experts.expert_profiles import ExpertProfile, Work, create_expert, link_expert
from handlers.experts.form import EXPERT
from handlers.forms.check import validate
from handlers.forms.declaration import Context
from handlers.organisation.actors import load_actor, require_institution_admin
from handlers.organisation.people import find_or_create_account
from handlers.transactions import transact
from store.models.organisation_people import Expert, ExpertLink
from store.transaction import Transaction
from store.uow import UnitOfWork


@dataclass(frozen=True)
class AddExpert:
    actor_id: int
    institution_id: int
    name: str
    mobile: str
    title: str = ""
    employer: str = ""
    introduction: str = ""
    research_results: tuple[Work, ...] = ()
    technical_solutions: tuple[Work, ...] = ()
    research_fields: tuple[str, ...] = ()  # technical-field codes
    region_code: str | None = None


@dataclass(frozen=True)
class ExpertAdded:
    expert_id: int
    link_id: int
    account_id: int
    new_person: bool  # False: another institution already maintained this expert


def _works(items: tuple[dict[str, Any], ...]) -> list[Work]:
    return [Work(w["title"], w["summary"]) for w in items]


async def add_expert(cmd: AddExpert, uow: UnitOfWork) -> ExpertAdded:
    values: dict[str, Any] = {
        "name": cmd.name,
        "mobile": cmd.mobile,
        "employer": cmd.employer,
        "title": cmd.title,
        "introduction": cmd.introduction,
        "research_results": tuple({"title": w.title, "summary": w.summary} for w in cmd.research_results),
        "technical_solutions": tuple({"title": w.title, "summary": w.summary} for w in cmd.technical_solutions),
        "research_fields": cmd.research_fields,
        "region_code": cmd.region_code,
    }
    clean = validate(EXPERT, values, Context(uow.clock.now().date()))
    name, mobile, title, employer, intro = (clean[k] for k in ("name", "mobile", "title", "employer", "introduction"))
    results, solutions = _works(clean["research_results"]), _works(clean["technical_solutions"])
    fields, region = list(clean["research_fields"]), clean["region_code"]

    async def run(tx: Transaction) -> ExpertAdded:
        actor = await load_actor(tx, cmd.actor_id)
        require_institution_admin(actor, cmd.institution_id)
        account, created = await find_or_create_account(tx, name, mobile, actor.label)
        expert = await tx.session.scalar(select(Expert).where(Expert.account_id == account.id).with_for_update())
        new_person = expert is None
        if expert is None:
            profile = ExpertProfile(title, employer, intro, results, solutions, fields, region)
            expert = await create_expert(tx, account, profile, actor.label)
        else:
            linked = await tx.session.scalar(
                select(ExpertLink.id).where(
                    ExpertLink.expert_id == expert.id, ExpertLink.institution_id == cmd.institution_id
                )
            )
            if linked is not None:
                raise Conflict("该专家已由本机构维护", code="expert_exists")
        link = await link_expert(
            tx,
            expert,
            institution_id=cmd.institution_id,
            added_by=actor.account_id,
            actor=actor.label,
            new_account=created,
        )
        return ExpertAdded(expert.id, link.id, account.id, new_person)

    return await transact(uow, run, clash="该专家已由本机构维护")
