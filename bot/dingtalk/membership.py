"""The membership relay channel: find the invited person in our DingTalk organisation by mobile,
or add them (DingTalk then sends its own join invitation); report the answer to the use case, which decides.
Also the member-detail lookup the contact events use, and the policy built from settings."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from bot.channels.base import Delivered, OutboundMessage, read
from bot.dingtalk.channels import _DingTalkChannel
from bot.dingtalk.client import DingTalkClient
from bot.dingtalk.errors import USER_NOT_FOUND, DingTalkError
from bot.settings import DingTalkSettings
from cards.outbound import Channel, MembershipRequest
from handlers.clock import Clock
from handlers.membership.apply_membership_event import MemberFacts
from handlers.membership.policy import MembershipPolicy
from handlers.membership.record_dingtalk_member import (
    RecordDingTalkMember,
    RecordInvitationRefused,
    invitation_still_open,
    record_dingtalk_member,
    record_invitation_refused,
)
from store.uow import UnitOfWork

WITHDRAWN = "withdrawn"  # revoked or expired before the relay reached DingTalk: nothing was sent
# user/create and getbymobile answers that no retry changes: an invalid mobile (40104), no permission (60011).
REFUSED_FOR_GOOD = "钉钉拒绝了该成员：{message}（{code}）"


def workbench_link(settings: DingTalkSettings) -> str:
    """DingTalk's openapp link that opens our H5 micro-app in the workbench (internal app: app_id 0_<agentId>)."""
    query = {"corpid": settings.corp_id, "container_type": "work_platform", "app_id": f"0_{settings.agent_id}"}
    if settings.workbench_page_url:
        query |= {"redirect_type": "jump", "redirect_url": settings.workbench_page_url}
    return "dingtalk://dingtalkclient/action/openapp?" + urlencode(query, quote_via=quote)


def membership_policy(settings: DingTalkSettings) -> MembershipPolicy:
    """The policy with a DingTalk app to invite into: its invitation days and its workbench link."""
    return MembershipPolicy(invitation_days=settings.invitation_days, workbench_link=workbench_link(settings))


class MembershipChannel(_DingTalkChannel):
    """A `MembershipRequest`; the recipient is the mobile."""

    name = Channel.DINGTALK_MEMBERSHIP

    def __init__(
        self,
        client: DingTalkClient,
        clock: Clock,
        timezone: ZoneInfo,
        settings: DingTalkSettings,
        uow: Callable[[], UnitOfWork],
        policy: MembershipPolicy,
    ) -> None:
        super().__init__(client, clock, timezone)
        self.settings = settings
        self.uow = uow
        self.policy = policy

    async def _send(self, message: OutboundMessage) -> Delivered:
        request = read(MembershipRequest, message)
        invitation_id, mobile = request.invitation_id, request.mobile
        if not await invitation_still_open(invitation_id, self.uow()):
            return Delivered(provider_message_id=None, delivery_status=WITHDRAWN)
        try:
            userid = await self.client.user_id_by_mobile(mobile)
            if userid is None:
                # Not in the organisation: add them; DingTalk invites them to join (同意 in their DingTalk).
                userid = await self.client.create_user(
                    name=request.name,
                    mobile=mobile,
                    dept_ids=(self.settings.member_dept_id,),
                    title=request.title or None,
                )
            detail = await self.client.user(userid)
        except DingTalkError as exc:
            if not exc.transient and exc.code != str(USER_NOT_FOUND):
                await record_invitation_refused(
                    RecordInvitationRefused(invitation_id, REFUSED_FOR_GOOD.format(message=exc.message, code=exc.code)),
                    self.uow(),
                )
            raise
        await record_dingtalk_member(
            RecordDingTalkMember(invitation_id, userid, active=bool(detail.get("active"))), self.uow(), self.policy
        )
        return Delivered(provider_message_id=userid)


class ClientMemberDirectory:
    """Member details for the contact events: mobile and whether they are active; None once they are gone."""

    def __init__(self, client: DingTalkClient) -> None:
        self.client = client

    async def member(self, userid: str) -> MemberFacts | None:
        try:
            user = await self.client.user(userid)
        except DingTalkError as exc:
            if exc.code == str(USER_NOT_FOUND):
                return None
            raise
        mobile = user.get("mobile")
        return MemberFacts(userid, str(mobile) if mobile else None, bool(user.get("active")))
