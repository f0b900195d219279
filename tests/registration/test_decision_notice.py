"""An applicant is told each decision by whichever channel reaches them (issue 17 item 8): a technology manager who
follows our official account hears the city's approval there — the 审核结果通知 template message, every value
fitting its keyword's type as WeChat checks it — and no SMS; one who unfollows is back on SMS."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select, update

from bot.bootstrap import Container
from cards.actions import CardAction
from cards.template_messages import REVIEW_RESULT
from store.models.auth import MiniProgramBinding
from store.models.outbox import OutboxMessage
from store.models.wechat import WeChatFollower
from tests.organisation.conftest import Org
from tests.registration.conftest import register, sms_to
from tests.registration.manager_values import valid_form
from tests.registration.test_manager_flow import Bench, cards_to, press

MOBILE = "13700000081"


async def wechat_to(container: Container, openid: str) -> list[dict[str, Any]]:
    async with container.sessionmaker() as session:
        rows = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.channel == "wechat.template", OutboxMessage.recipient == openid)
            .order_by(OutboxMessage.id)
        )
        return [dict(r.payload) for r in rows]


async def test_a_follower_hears_the_decision_on_wechat(
    api: TestClient[Any, Any], org: Org, container: Container
) -> None:
    b = Bench(api, org)
    await b.setup()
    session = await register(api, container, MOBILE, "赵经理")
    account_id = session["account_id"]
    async with container.uow() as uow:
        now = uow.clock.now()
        uow.session.add(MiniProgramBinding(account_id=account_id, openid="mp-zhao", unionid="u-zhao", created_at=now))
        uow.session.add(
            WeChatFollower(
                app_id="wx-oa", openid="oa-zhao", unionid="u-zhao", subscribed=True, followed_at=now, updated_at=now
            )
        )
        await uow.commit()
    status, view = await b.call(
        "POST", "/technology-manager/registration", session["token"], json=valid_form(invitation_code=b.code)
    )
    assert status == 201, view
    await press(container, "dt-inst", CardAction.REVIEW_APPROVE, (await cards_to(container, "dt-inst"))[0])
    await press(container, "dt-city", CardAction.REVIEW_APPROVE, (await cards_to(container, "dt-city"))[0])

    [message] = await wechat_to(container, "oa-zhao")
    assert message["template_id"] == "TPL_REVIEW_RESULT"
    assert REVIEW_RESULT.invalid(message["data"]) is None  # what WeChat would accept (no 47003)
    assert message["data"]["thing1"]["value"] == "技术经理人登记：赵经理"
    assert message["data"]["phrase2"]["value"] == "已通过" and message["data"]["thing3"]["value"] == "无"
    template = container.registration_policy.sms_decision_template
    assert await sms_to(container, MOBILE, template) == []

    # Unfollowed: the next decision is an SMS again (the institution returns the record; the city rejects the
    # resubmission with a reason).
    async with container.uow() as uow:
        await uow.session.execute(update(WeChatFollower).values(subscribed=False))
        await uow.commit()
    status, _ = await b.call("POST", f"/technology-managers/{view['id']}/return", b.inst_token, json={"reason": ""})
    assert status == 200
    status, _ = await b.call(
        "POST", "/technology-manager/registration", session["token"], json=valid_form(training="新培训")
    )
    assert status == 201
    await press(container, "dt-inst", CardAction.REVIEW_APPROVE, (await cards_to(container, "dt-inst"))[-1])
    await press(
        container, "dt-city", CardAction.REVIEW_REJECT, (await cards_to(container, "dt-city"))[-1], reason="材料不全"
    )
    sms = (await sms_to(container, MOBILE, template))[-1]
    assert sms["status"] == "未通过审核" and sms["reason"] == "，原因：材料不全"
    assert len(await wechat_to(container, "oa-zhao")) == 1
