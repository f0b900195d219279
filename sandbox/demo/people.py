"""The simulated people of the demo, and a welcome message to each through the real outbox path."""

from __future__ import annotations

from sqlalchemy import select

from cards.outbound import TestMessage
from sandbox.demo import DemoContext, demo_seed
from sandbox.state import Persona
from store.models.outbox import OutboxMessage

PEOPLE = [
    Persona("sysadmin", "王敏", "系统管理员", "13800000001", dingtalk_userid="dt-sysadmin"),
    Persona("inst-admin", "李强", "法人机构管理员 · 浙江大学技术转移中心", "13800000002", dingtalk_userid="dt-li"),
    Persona("centre-admin", "周婷", "地方转移中心管理员 · 杭州钱塘分中心", "13800000003", dingtalk_userid="dt-zhou"),
    Persona("staff", "张三", "技转人员 · 杭州钱塘分中心", "13800000004", dingtalk_userid="dt-zhang"),
    Persona("expert", "陈教授", "专家 · 新材料", "13800000005", wechat_openid="o-chen"),
    # Invited by SMS like 陈教授 but not following the official account nor bound yet: the expert's journey.
    Persona("expert-wu", "吴研究员", "专家 · 智能感知（未绑定）", "13900000012", wechat_openid="o-wu"),
    Persona("official", "赵局长", "科技管理人员 · 杭州市科技局", "13800000006", dingtalk_userid="dt-zhao"),
    Persona("contact", "刘经理", "企业联系人 · 杭州新远材料有限公司", "13800000007", wechat_openid="o-liu"),
]


@demo_seed("people", order=0)
async def seed_people(ctx: DemoContext) -> None:
    for persona in PEOPLE:
        ctx.sandbox.add_person(persona)
    async with ctx.uow() as uow:
        sent = (
            (await uow.session.execute(select(OutboxMessage.recipient).where(OutboxMessage.source == "demo:welcome")))
            .scalars()
            .all()
        )
        for persona in PEOPLE:
            if persona.mobile in sent:
                continue
            await uow.send(
                TestMessage(
                    recipient=persona.mobile,
                    body={"title": "欢迎使用科转沙箱", "text": f"{persona.name}，您好！这是您在沙箱中的模拟手机。"},
                    source="demo:welcome",
                )
            )
        await uow.commit()
