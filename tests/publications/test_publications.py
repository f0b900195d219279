"""需求公开: publish → accept with the commitment letter → the accepting side docks; the publisher keeps reading;
withdrawal until accepted; the stale-letter and second-acceptance refusals; the audit chain verifies."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import select

from handlers.audit.verify_audit_chain import verify_audit_chain
from handlers.demands.get_demand import GetDemand, get_demand
from handlers.errors import Conflict, Forbidden, InvalidInput, NotFound
from handlers.follow_up_reminders.send_due_reminders import RemindersSent
from handlers.follow_ups.add_follow_up import AddDemandFollowUp, add_demand_follow_up
from handlers.follow_ups.change_docking_staff import ChangeDockingStaff, change_docking_staff
from handlers.follow_ups.list_follow_ups import ListDemandFollowUps, list_demand_follow_ups
from handlers.publications.accept_publication import AcceptPublication, PublicationAccepted, accept_publication
from handlers.publications.list_publications import ListPublications, list_publications
from handlers.publications.withdraw_publication import WithdrawPublication, withdraw_publication
from store.models.audit import AuditEntry
from store.models.demands import DemandStatus
from store.models.publications import DemandPublication, PublicationStatus
from tests.demands.conftest import demand_of, timeline
from tests.follow_ups.conftest import beijing
from tests.organisation.conftest import refused
from tests.policies import DEMANDS
from tests.publications.conftest import Market

TITLE = "高精度MEMS压力传感器封装工艺改进"


def visit(market: Market, actor: int, content: str) -> AddDemandFollowUp:
    return AddDemandFollowUp(actor, market.demand_id, "visit", beijing(2025, 10, 9, 11), content)


async def texts(market: Market, userid: str) -> list[str]:
    return [str(m.payload["msg"]) for m in await market.docking.notices(userid)]


async def test_published_accepted_with_the_letter_then_docked_by_the_accepting_side(market: Market) -> None:
    d, a, b = market.docking, market.a, market.b
    uow, c = d.bench.org.uow, d.bench.container
    publication_id = await market.publish("all", 1000)
    assert (await demand_of(c, d.demand_id)).status == DemandStatus.PUBLISHED
    assert (await timeline(c, d.demand_id))[-1] == ("publish", "published", "林管理")

    # Both other institutions are offered it and read the demand; the publisher lists it as its own.
    for side in (a, b):
        [offered] = await list_publications(ListPublications(side.admin), uow)
        assert (offered.side, offered.demand_title, offered.publisher_institution, offered.fee_ratio_bp) == (
            "offered",
            TITLE,
            "浙江大学技术转移中心",
            1000,
        )
        assert (await get_demand(GetDemand(side.admin, d.demand_id), uow)).title == TITLE
    [mine] = await list_publications(ListPublications(market.publisher_admin, "published"), uow)
    assert (mine.id, mine.status, mine.audience) == (publication_id, "open", "all")
    assert await list_publications(ListPublications(market.publisher_admin, "offered"), uow) == []

    letter = await market.letter(a.admin, publication_id)
    for part in (
        "致浙江大学技术转移中心",
        "我单位第31技术转移中心",
        f"「{TITLE}」（需求编号 XQ2025-000001）",
        "合同金额的10%",
    ):
        assert part in letter.text
    assert letter.letter_version == "2026.2"
    d.clock.set(beijing(2025, 10, 9, 10))
    accepted = await accept_publication(
        AcceptPublication(a.admin, publication_id, letter.letter_version, letter.sha256, a.staff_member), uow, DEMANDS
    )
    assert accepted == PublicationAccepted(publication_id, d.demand_id, a.staff, letter.sha256)
    demand = await demand_of(c, d.demand_id)
    assert (demand.status, demand.staff_account_id) == (DemandStatus.PUBLISHED, a.staff)
    assert (await timeline(c, d.demand_id))[-1] == ("accept_publication", "published", "林管理")
    async with c.sessionmaker() as session:
        row = await session.get(DemandPublication, publication_id)
    assert row is not None and (
        row.status,
        row.accepted_institution_id,
        row.previous_staff_account_id,
        row.letter_sha256,
    ) == (PublicationStatus.ACCEPTED, a.id, d.bench.staff_id, letter.sha256)

    # The publisher's admin and former staff member hear of it; the new docking staff member is told to dock.
    for userid in ("dt-admin", "dt-zhang"):
        assert any("已由「第31技术转移中心」受理" in t for t in await texts(market, userid)), userid
    assert any("您已被指定为需求" in t for t in await texts(market, "dt-staff-31"))

    # The accepting staff member, their centre admin and their institution admin dock it.
    d.clock.set(beijing(2025, 10, 9, 15))
    for actor, note in ((a.staff, "受理方走访"), (a.centre_admin, "受理方主任电话"), (a.admin, "受理方管理员")):
        await add_demand_follow_up(visit(market, actor, note), uow)
    # The publisher still reads the demand, its timeline and follow-ups, but no longer writes.
    for actor in (market.publisher_admin, d.bench.staff_id, d.centre_admin_id):
        assert (await get_demand(GetDemand(actor, d.demand_id), uow)).title == TITLE
        follow_ups = await list_demand_follow_ups(ListDemandFollowUps(actor, d.demand_id), uow)
        assert sorted(f.content for f in follow_ups) == sorted(["受理方走访", "受理方主任电话", "受理方管理员"])
    for actor in (d.bench.staff_id, d.centre_admin_id, market.publisher_admin):
        await refused(c, add_demand_follow_up(visit(market, actor, "发布方"), uow), Forbidden, "forbidden")
    # The institution that lost the chance no longer sees it; it cannot be withdrawn or accepted again.
    await refused(c, get_demand(GetDemand(b.admin, d.demand_id), uow), NotFound, "not_found")
    assert await list_publications(ListPublications(b.admin), uow) == []
    lost = await refused(
        c,
        accept_publication(
            AcceptPublication(b.admin, publication_id, letter.letter_version, letter.sha256, b.staff_member),
            uow,
            DEMANDS,
        ),
        Conflict,
        "already_accepted",
    )
    assert lost.message == "该需求已由「第31技术转移中心」受理"
    await refused(
        c,
        withdraw_publication(WithdrawPublication(market.publisher_admin, d.demand_id), uow),
        Conflict,
        "already_accepted",
    )
    # Handing the docking on is the accepting side's too: not the publisher's centre admin, but 第31's.
    await refused(
        c,
        change_docking_staff(ChangeDockingStaff(d.centre_admin_id, d.demand_id, d.other_staff_member_id), uow, DEMANDS),
        Forbidden,
        "forbidden",
    )
    await refused(
        c,
        change_docking_staff(ChangeDockingStaff(a.centre_admin, d.demand_id, d.other_staff_member_id), uow, DEMANDS),
        NotFound,
        "staff_not_found",
    )
    changed = await change_docking_staff(
        ChangeDockingStaff(a.centre_admin, d.demand_id, a.centre_admin_member), uow, DEMANDS
    )
    assert changed.staff_account_id == a.centre_admin
    [taken] = await list_publications(ListPublications(a.admin), uow)
    assert (taken.status, taken.accepted_institution) == ("accepted", "第31技术转移中心")

    # The audit chain holds the signed letter (version, signer, time, hash) and verifies.
    async with c.sessionmaker() as session:
        [signed] = (
            await session.scalars(
                select(AuditEntry).where(
                    AuditEntry.aggregate_type == "demand_publication", AuditEntry.aggregate_id == str(publication_id)
                )
            )
        ).all()
    evidence = json.loads(signed.data)
    assert (evidence["letter_sha256"], evidence["letter_version"], evidence["signer_account_id"]) == (
        letter.sha256,
        letter.letter_version,
        a.admin,
    )
    assert evidence["signed_at"].startswith("2025-10-09T02:00")  # 10:00 in Beijing
    assert "signer_name" in json.loads(signed.personal_digests)  # the name as an erasable digest
    report = await verify_audit_chain(c.uow(), c.anchors)
    assert report.ok, report.findings


async def test_the_silence_after_acceptance_escalates_to_the_accepting_centre(market: Market) -> None:
    d, a = market.docking, market.a
    await market.accept(a, await market.publish("chosen", 800, (a.id,)))  # 9 October, 10:00
    # Three silent working days (10, make-up Saturday 11, 13): the accepting staff member is reminded on the 14th.
    assert await d.run_job(beijing(2025, 10, 14, 9, 5)) == RemindersSent(1, 0)
    assert len(await d.notices("dt-staff-31")) == 2  # the designation, then the reminder
    assert await d.run_job(beijing(2025, 10, 17, 9, 5)) == RemindersSent(0, 1)
    assert any("跟进督办" in t for t in await texts(market, "dt-boss-31"))
    assert await d.notices("dt-boss") == []


async def test_withdrawn_until_accepted_and_chosen_institutions_only(market: Market) -> None:
    d, a, b = market.docking, market.a, market.b
    uow, c = d.bench.org.uow, d.bench.container
    publication_id = await market.publish("chosen", 1200, (a.id,))
    # Not chosen: 第32 neither lists it nor reads it (404, like a missing one).
    assert await list_publications(ListPublications(b.admin), uow) == []
    await refused(c, market.letter(b.admin, publication_id), NotFound, "not_found")
    await refused(c, get_demand(GetDemand(b.admin, d.demand_id), uow), NotFound, "not_found")
    letter = await market.letter(a.admin, publication_id)

    withdrawn = await withdraw_publication(WithdrawPublication(market.publisher_admin, d.demand_id), uow)
    assert withdrawn.publication_id == publication_id
    demand = await demand_of(c, d.demand_id)
    assert (demand.status, demand.staff_account_id) == (DemandStatus.DOCKING, d.bench.staff_id)
    assert (await timeline(c, d.demand_id))[-1] == ("unpublish", "docking", "林管理")
    await refused(
        c,
        accept_publication(
            AcceptPublication(a.admin, publication_id, letter.letter_version, letter.sha256, a.staff_member),
            uow,
            DEMANDS,
        ),
        Conflict,
        "publication_withdrawn",
    )
    await refused(c, get_demand(GetDemand(a.admin, d.demand_id), uow), NotFound, "not_found")
    await refused(
        c,
        withdraw_publication(WithdrawPublication(market.publisher_admin, d.demand_id), uow),
        Conflict,
        "not_published",
    )

    # Published again, to everyone: a new live publication; the old one stays withdrawn.
    again = await market.publish("all", 1000)
    assert again != publication_id
    await market.accept(b, again)
    assert (await demand_of(c, d.demand_id)).staff_account_id == b.staff


async def test_bad_publications_are_refused_and_change_nothing(market: Market) -> None:
    d, a = market.docking, market.a
    uow, c = d.bench.org.uow, d.bench.container

    async def bad(audience: str, fee: int, targets: tuple[int, ...], error: type, code: str, actor: int = 0) -> None:
        from handlers.publications.publish_demand import PublishDemand, publish_demand

        cmd = PublishDemand(actor or market.publisher_admin, d.demand_id, audience, fee, targets)
        await refused(c, publish_demand(cmd, uow, DEMANDS), error, code)

    await bad("all", 400, (), InvalidInput, "fee_ratio_too_low")
    await bad("all", 10_001, (), InvalidInput, "fee_ratio_too_high")
    await bad("some", 1000, (), InvalidInput, "invalid_audience")
    await bad("chosen", 1000, (), InvalidInput, "missing_targets")
    await bad("all", 1000, (a.id,), InvalidInput, "targets_not_allowed")
    await bad("chosen", 1000, (a.id, 999_999), InvalidInput, "unknown_target")
    await bad("chosen", 1000, (d.bench.institution_id,), InvalidInput, "own_institution_target")
    # Only the demand's institution admin publishes: its staff are forbidden, another admin learns nothing.
    await bad("all", 1000, (), Forbidden, "forbidden", actor=d.bench.staff_id)
    await bad("all", 1000, (), NotFound, "not_found", actor=a.admin)
    await market.publish()
    await bad("all", 1000, (), Conflict, "illegal_transition")
    # The accepting admin must name one of its own active staff members.
    publication_id = (await list_publications(ListPublications(a.admin), uow))[0].id
    letter = await market.letter(a.admin, publication_id)
    await refused(
        c,
        accept_publication(
            AcceptPublication(a.admin, publication_id, letter.letter_version, letter.sha256, market.b.staff_member),
            uow,
            DEMANDS,
        ),
        NotFound,
        "staff_not_found",
    )
    await refused(c, list_publications(ListPublications(d.bench.staff_id), uow), Forbidden, "forbidden")


async def test_a_stale_letter_is_refused(market: Market) -> None:
    d, a = market.docking, market.a
    uow, c = d.bench.org.uow, d.bench.container
    publication_id = await market.publish()
    letter = await market.letter(a.admin, publication_id)
    other = await market.letter(market.b.admin, publication_id)  # names the other institution: another hash
    assert other.sha256 != letter.sha256
    for version, sha in ((letter.letter_version, other.sha256), ("2020.1", letter.sha256)):
        await refused(
            c,
            accept_publication(AcceptPublication(a.admin, publication_id, version, sha, a.staff_member), uow, DEMANDS),
            Conflict,
            "stale_letter",
        )
    assert (await demand_of(c, d.demand_id)).staff_account_id == d.bench.staff_id


async def test_two_institutions_accept_at_once_and_exactly_one_wins(market: Market) -> None:
    d, a, b = market.docking, market.a, market.b
    c = d.bench.container
    publication_id = await market.publish()
    letters = [await market.letter(side.admin, publication_id) for side in (a, b)]
    results = await asyncio.gather(
        *(
            accept_publication(
                AcceptPublication(side.admin, publication_id, letter.letter_version, letter.sha256, side.staff_member),
                d.bench.org.uow,
                DEMANDS,
            )  # a unit of work each
            for side, letter in zip((a, b), letters, strict=True)
        ),
        return_exceptions=True,
    )
    [won] = [r for r in results if isinstance(r, PublicationAccepted)]
    [lost] = [r for r in results if not isinstance(r, PublicationAccepted)]
    winner = a if won.staff_account_id == a.staff else b
    assert isinstance(lost, Conflict) and lost.code == "already_accepted", results
    assert f"「第{31 if winner is a else 32}技术转移中心」" in lost.message
    assert (await demand_of(c, d.demand_id)).staff_account_id == winner.staff
    async with c.sessionmaker() as session:
        accepts = (
            await session.scalars(
                select(AuditEntry).where(
                    AuditEntry.aggregate_type == "demand_publication", AuditEntry.action == "accept"
                )
            )
        ).all()
    assert len(accepts) == 1
    assert (await verify_audit_chain(c.uow(), c.anchors)).ok


async def test_a_closed_demand_is_no_longer_offered(market: Market) -> None:
    from handlers.demands.close_demand import CloseDemand, close_demand

    d, a = market.docking, market.a
    uow, c = d.bench.org.uow, d.bench.container
    publication_id = await market.publish()
    await close_demand(CloseDemand(market.publisher_admin, d.demand_id, "企业已自行解决"), uow)
    assert await list_publications(ListPublications(a.admin), uow) == []
    # The publisher's own list no longer shows it as open: it ended with the demand.
    [mine] = await list_publications(ListPublications(market.publisher_admin, "published"), uow)
    assert (mine.id, mine.status) == (publication_id, "withdrawn")
    await refused(c, get_demand(GetDemand(a.admin, d.demand_id), uow), NotFound, "not_found")
    await refused(c, market.letter(a.admin, publication_id), Conflict, "publication_withdrawn")
