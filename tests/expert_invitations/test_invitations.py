"""Invitations are written with the expert, once per person; the QR result sends the SMS exactly once."""

from __future__ import annotations

from sqlalchemy import func, select

from cards.outbound import Channel
from handlers.clock import ManualClock
from handlers.expert_invitations.invite import SCENE_PREFIX
from handlers.expert_invitations.record_invitation_qrcode import RecordInvitationQrcode, record_invitation_qrcode
from handlers.experts.add_expert import AddExpert, add_expert
from handlers.experts.expert_import.import_experts import ImportExperts, import_experts
from store.models.auth import MiniProgramBinding
from store.models.expert_invitations import ExpertInvitation, ExpertInvitationStatus
from store.models.outbox import OutboxMessage
from tests.organisation.conftest import Org
from tests.organisation.test_expert_import import good_row, xlsx

CODE_B = "12330100MB0123456R"
CODE_C = "91330106MAPBRNYT66"
MOBILE = "13912345678"


async def _invitations(org: Org) -> list[ExpertInvitation]:
    async with org.container.sessionmaker() as session:
        return list(await session.scalars(select(ExpertInvitation).order_by(ExpertInvitation.id)))


async def _outbox(org: Org, channel: str) -> list[OutboxMessage]:
    async with org.container.sessionmaker() as session:
        query = select(OutboxMessage).where(OutboxMessage.channel == channel).order_by(OutboxMessage.id)
        return list(await session.scalars(query))


async def _add(org: Org, inst: int, admin: int, mobile: str = MOBILE) -> int:
    return (await add_expert(AddExpert(admin, inst, "钱学者", mobile), org.uow)).account_id


async def test_adding_an_expert_writes_the_invitation_and_its_qr_work(org: Org) -> None:
    inst, admin = await org.institution()
    account_id = await _add(org, inst, admin)
    [invitation] = await _invitations(org)
    assert invitation.account_id == account_id and invitation.institution_id == inst
    assert invitation.status == ExpertInvitationStatus.PENDING and invitation.qr_ticket is None
    assert invitation.scene.startswith(SCENE_PREFIX) and len(invitation.scene) <= 64
    assert (invitation.expires_at - invitation.created_at).total_seconds() == 2_592_000
    [work] = await _outbox(org, Channel.WECHAT_INVITE_QRCODE)
    assert work.payload == {"invitation_id": invitation.id, "scene": invitation.scene, "expire_seconds": 2_592_000}
    assert await _outbox(org, "sms") == []  # the SMS needs the QR code's link first


async def test_scenes_are_unguessable(org: Org) -> None:
    inst, admin = await org.institution()
    for i in range(5):
        await _add(org, inst, admin, f"1391234500{i}")
    scenes = [i.scene for i in await _invitations(org)]
    assert len(set(scenes)) == 5
    assert all(len(s.removeprefix(SCENE_PREFIX)) >= 16 for s in scenes)


async def test_once_per_person_across_institutions_and_never_once_bound(org: Org, clock: ManualClock) -> None:
    inst_a, admin_a = await org.institution()
    inst_b, admin_b = await org.institution("杭州钱塘技术转移中心", CODE_B, mobile="13800000002")
    inst_c, admin_c = await org.institution("之江技术转移中心", CODE_C, mobile="13800000003")
    account_id = await _add(org, inst_a, admin_a)
    await _add(org, inst_b, admin_b)  # still invited (open invitation): no second SMS
    assert len(await _invitations(org)) == 1 and len(await _outbox(org, Channel.WECHAT_INVITE_QRCODE)) == 1

    async with org.uow as uow:
        uow.session.add(
            MiniProgramBinding(account_id=account_id, openid="mini-o-x", unionid=None, created_at=uow.clock.now())
        )
        await uow.commit()
    clock.advance(31 * 86400)  # the first invitation lapsed, but the person is bound now
    await _add(org, inst_c, admin_c)
    assert len(await _invitations(org)) == 1 and len(await _outbox(org, Channel.WECHAT_INVITE_QRCODE)) == 1


async def test_a_lapsed_invitation_is_renewed_when_another_institution_adds_them(org: Org, clock: ManualClock) -> None:
    inst_a, admin_a = await org.institution()
    inst_b, admin_b = await org.institution("杭州钱塘技术转移中心", CODE_B, mobile="13800000002")
    await _add(org, inst_a, admin_a)
    clock.advance(31 * 86400)
    await _add(org, inst_b, admin_b)
    first, second = await _invitations(org)
    assert second.institution_id == inst_b and second.scene != first.scene
    assert len(await _outbox(org, Channel.WECHAT_INVITE_QRCODE)) == 2


async def test_each_imported_expert_is_invited_once_and_a_reupload_invites_nobody(org: Org) -> None:
    inst, admin = await org.institution()
    content = xlsx([good_row(i) for i in range(1, 6)])
    imported = await import_experts(ImportExperts(inst, admin, content, "专家.xlsx"), org.uow)
    assert imported.imported == 5
    assert len(await _invitations(org)) == 5 and len(await _outbox(org, Channel.WECHAT_INVITE_QRCODE)) == 5
    again = await import_experts(ImportExperts(inst, admin, content, "专家.xlsx"), org.uow)
    assert again.already_present == 5
    assert len(await _invitations(org)) == 5 and len(await _outbox(org, Channel.WECHAT_INVITE_QRCODE)) == 5


async def test_the_qr_result_sends_the_sms_once(org: Org) -> None:
    inst, admin = await org.institution()
    await _add(org, inst, admin)
    [invitation] = await _invitations(org)
    cmd = RecordInvitationQrcode(invitation.id, "TICKET", "http://weixin.qq.com/q/abc", 2_592_000, "SMS_EXPERT_INVITE")
    assert (await record_invitation_qrcode(cmd, org.uow)).sms_sent
    assert not (await record_invitation_qrcode(cmd, org.uow)).sms_sent  # a repeated delivery
    [sms] = await _outbox(org, "sms")
    token = invitation.scene.removeprefix(SCENE_PREFIX)
    assert sms.recipient == MOBILE
    assert sms.payload == {
        "template_code": "SMS_EXPERT_INVITE",
        "params": {"name": "钱学者", "institution": "浙江大学技术转移中心", "code": token},
    }
    assert all(len(v) <= 35 for v in sms.payload["params"].values())  # Aliyun's variable limit
    [invitation] = await _invitations(org)
    assert invitation.qr_ticket == "TICKET" and invitation.qr_url == "http://weixin.qq.com/q/abc"
    async with org.container.sessionmaker() as session:
        # The QR request and one SMS (the institution admin's DingTalk invitation is the other flow's).
        assert (
            await session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.channel != "dingtalk.membership")
            )
            == 2
        )
