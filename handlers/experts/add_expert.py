"""The institution admin adds an expert it maintains (seed 004 §六).

An expert another institution already maintains is the same person: this adds a second link, never a
second account or profile; the profile belongs to the person and stays as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.errors import Conflict
from handlers.experts.expert_profiles import ExpertProfile, Work, create_expert, link_expert
from handlers.experts.expertise import expert_region, research_fields
from handlers.organisation import validation as v
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


def _works(items: tuple[Work, ...], label: str) -> list[Work]:
    return [
        Work(v.required_text(w.title, f"{label}名称", 200), v.optional_text(w.summary, f"{label}简介", 2000))
        for w in items
    ]


async def add_expert(cmd: AddExpert, uow: UnitOfWork) -> ExpertAdded:
    name = v.required_text(cmd.name, "专家姓名", 64)
    mobile = v.mobile(cmd.mobile)
    title = v.optional_text(cmd.title, "职称", 64)
    employer = v.optional_text(cmd.employer, "工作单位", 128)
    intro = v.introduction(cmd.introduction)
    results = _works(cmd.research_results, "科研成果")
    solutions = _works(cmd.technical_solutions, "技术方案")
    fields = research_fields(cmd.research_fields)
    region = expert_region(cmd.region_code)

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
