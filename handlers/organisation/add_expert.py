"""The institution admin adds an expert it maintains (seed 004 §六).

An expert another institution already maintains is the same person: this adds a second link, never a
second account or profile; the profile belongs to the person and stays as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.errors import Conflict
from handlers.organisation import validation as v
from handlers.organisation.actors import load_actor, require_institution_admin
from handlers.organisation.clashes import retry_on_clash
from handlers.organisation.people import find_or_create_account, grant_role, subject_of
from store.models.organisation import Role
from store.models.organisation_people import Expert, ExpertLink, ExpertResearchResult, ExpertTechnicalSolution
from store.uow import UnitOfWork


@dataclass(frozen=True)
class Work:
    """A research result or a technical solution."""

    title: str
    summary: str = ""


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

    async def attempt() -> ExpertAdded:
        async with uow:
            actor = await load_actor(uow, cmd.actor_id)
            require_institution_admin(actor, cmd.institution_id)
            account, _ = await find_or_create_account(uow, name, mobile, actor.label)
            expert = await uow.session.scalar(select(Expert).where(Expert.account_id == account.id).with_for_update())
            new_person = expert is None
            now = uow.clock.now()
            if expert is None:
                expert = Expert(
                    account_id=account.id,
                    title=title,
                    employer=employer,
                    introduction=intro,
                    created_at=now,
                    updated_at=now,
                )
                uow.session.add(expert)
                await uow.session.flush()
                for w in results:
                    uow.session.add(
                        ExpertResearchResult(expert_id=expert.id, title=w.title, summary=w.summary, created_at=now)
                    )
                for w in solutions:
                    uow.session.add(
                        ExpertTechnicalSolution(expert_id=expert.id, title=w.title, summary=w.summary, created_at=now)
                    )
                await uow.record(
                    "expert",
                    expert.id,
                    "created",
                    actor=actor.label,
                    data={
                        "account_id": account.id,
                        "research_results": len(results),
                        "technical_solutions": len(solutions),
                    },
                    personal={
                        "title": (subject_of(account.id), title),
                        "employer": (subject_of(account.id), employer),
                        "introduction": (subject_of(account.id), intro),
                    },
                )
            else:
                linked = await uow.session.scalar(
                    select(ExpertLink.id).where(
                        ExpertLink.expert_id == expert.id, ExpertLink.institution_id == cmd.institution_id
                    )
                )
                if linked is not None:
                    raise Conflict("该专家已由本机构维护", code="expert_exists")
            link = ExpertLink(
                expert_id=expert.id, institution_id=cmd.institution_id, added_by=actor.account_id, created_at=now
            )
            uow.session.add(link)
            await uow.session.flush()
            await grant_role(uow, account.id, Role.EXPERT, actor.label, institution_id=cmd.institution_id)
            await uow.record(
                "expert",
                expert.id,
                "linked",
                actor=actor.label,
                data={"institution_id": cmd.institution_id, "link_id": link.id},
            )
            await uow.commit()
        return ExpertAdded(expert.id, link.id, account.id, new_person)

    return await retry_on_clash(attempt, "该专家已由本机构维护")
