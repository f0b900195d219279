"""An institution admin accepts a publication offered to it by confirming the commitment letter it was shown
(version and hash), and names its docking staff member. The first acceptance wins (a conditional update); the
letter's version, signer, time and hash enter the audit chain. The demand stays 已公开, now docked by the
accepting side; the publisher's admin and former staff member are told by work notice and keep read access."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from cards.outbound import text_notice
from handlers.demands.access import locked
from handlers.demands.policy import DemandPolicy
from handlers.demands.states import Step, next_status
from handlers.demands.timeline import step
from handlers.errors import Conflict, NotFound
from handlers.follow_up_reminders.state import restart_silence
from handlers.organisation.actors import load_actor
from handlers.publications.access import institution_name, letter_for, load_offer, require_open
from handlers.reviews.reviewers import name_of, userid_of
from store.models.demands import Demand
from store.models.organisation import CLOSED_STATUSES, Account, Institution, StaffMember
from store.models.publications import DemandPublication, PublicationStatus
from store.uow import UnitOfWork


@dataclass(frozen=True)
class AcceptPublication:
    actor_id: int
    publication_id: int
    letter_version: str
    letter_sha256: str
    staff_member_id: int


@dataclass(frozen=True)
class PublicationAccepted:
    publication_id: int
    demand_id: int
    staff_account_id: int
    letter_sha256: str


async def accept_publication(cmd: AcceptPublication, uow: UnitOfWork, policy: DemandPolicy) -> PublicationAccepted:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        publication, institution_id = await load_offer(uow, actor, cmd.publication_id)
        demand = await locked(uow, publication.demand_id)
        publication, _ = await load_offer(uow, actor, cmd.publication_id)  # re-read under the demand's lock
        await require_open(uow, publication)
        staff_account_id = await _docking_staff(uow, cmd.staff_member_id, institution_id)
        letter = await letter_for(uow, publication, institution_id)
        if (cmd.letter_version, cmd.letter_sha256) != (letter.version, letter.sha256):
            raise Conflict("承诺函内容已更新，请重新阅读后确认", code="stale_letter")
        next_status(Step.ACCEPT_PUBLICATION, demand.status)
        now = uow.clock.now()
        won = await uow.session.execute(
            update(DemandPublication)
            .where(DemandPublication.id == publication.id, DemandPublication.status == PublicationStatus.OPEN)
            .values(
                status=PublicationStatus.ACCEPTED,
                accepted_institution_id=institution_id,
                accepted_by=actor.account_id,
                accepted_at=now,
                letter_sha256=letter.sha256,
                previous_staff_account_id=demand.staff_account_id,
            )
        )
        if won.rowcount != 1:  # type: ignore[attr-defined]
            await uow.session.refresh(publication)
            await require_open(uow, publication)
            raise Conflict("该需求已被受理", code="already_accepted")
        previous = demand.staff_account_id
        acceptor = await institution_name(uow, institution_id)
        signer = await name_of(uow, actor.account_id)
        staff_name = await name_of(uow, staff_account_id)
        demand.staff_account_id = staff_account_id
        demand.updated_at = now
        evidence = {
            "publication_id": publication.id,
            "letter_version": letter.version,
            "letter_sha256": letter.sha256,
            "signer_account_id": actor.account_id,
            "signed_at": now.isoformat(),
            "accepted_institution_id": institution_id,
            "from_staff_account_id": previous,
            "to_staff_account_id": staff_account_id,
        }
        await step(
            uow,
            demand,
            Step.ACCEPT_PUBLICATION,
            demand.status,
            actor=actor.label,
            note=f"{acceptor}受理，对接人员：{staff_name}",
            data=evidence,
        )
        # The signed letter itself: the signer's name enters the chain as a digest only (erasable).
        uow.record(
            "demand_publication",
            publication.id,
            "accept",
            actor=actor.label,
            data=evidence,
            personal={"signer_name": (actor.label, signer)},
        )
        await restart_silence(uow, demand.id, now)
        await _notify(uow, demand, publication, previous, staff_account_id, acceptor, staff_name, policy)
        await uow.commit()
        return PublicationAccepted(publication.id, demand.id, staff_account_id, letter.sha256)


async def _docking_staff(uow: UnitOfWork, staff_member_id: int, institution_id: int) -> int:
    account_id = await uow.session.scalar(
        select(StaffMember.account_id)
        .join(Account, Account.id == StaffMember.account_id)
        .where(
            StaffMember.id == staff_member_id,
            StaffMember.institution_id == institution_id,
            StaffMember.left_at.is_(None),
            Account.status.not_in(list(CLOSED_STATUSES)),
        )
    )
    if account_id is None:
        raise NotFound("未找到该技转人员", code="staff_not_found")
    return account_id


async def _notify(
    uow: UnitOfWork,
    demand: Demand,
    publication: DemandPublication,
    previous: int | None,
    staff_account_id: int,
    acceptor: str,
    staff_name: str,
    policy: DemandPolicy,
) -> None:
    link = policy.link(demand.id)
    more = f"\n详情：{link}" if link else ""
    publisher_admin = await uow.session.scalar(
        select(Institution.admin_account_id).where(Institution.id == publication.publisher_institution_id)
    )
    told = f"您公开的需求「{demand.title}」已由「{acceptor}」受理，对接人员为{staff_name}。您仍可查看需求进展。{more}"
    for account_id in dict.fromkeys(a for a in (publisher_admin, previous) if a is not None):
        await _notice(uow, demand, account_id, told)
    await _notice(
        uow,
        demand,
        staff_account_id,
        f"您已被指定为需求「{demand.title}」的对接人员（本机构受理的公开需求），请及时跟进并记录。{more}",
    )


async def _notice(uow: UnitOfWork, demand: Demand, account_id: int, text: str) -> None:
    if (userid := await userid_of(uow, account_id)) is not None:
        await uow.send(text_notice(userid, text, record=f"需求 {demand.number} 公开受理", source=f"demand:{demand.id}"))
