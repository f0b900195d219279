"""Institution-registration helpers: a filled form, a certified organisation account and a city official bound
to DingTalk (the sandbox registry's 杭州西溪新材料有限公司, region 330106, is reviewed by 杭州市 330100)."""

from __future__ import annotations

import json
from typing import Any

from bot.bootstrap import Container
from bot.dingtalk.router import CardPress
from handlers.officials.create_official import CreateOfficial, create_official
from handlers.registration.upload_licence import UploadLicence, upload_licence
from sandbox.documents import make_pdf
from store.models.auth import DingTalkBinding
from store.models.organisation import Account, AccountStatus
from store.models.registration import CertificationStatus, UnitCertification
from tests.organisation.conftest import Org
from tests.policies import MEMBERSHIP

NAME, CODE, LEGAL = "杭州西溪新材料有限公司", "91330106MAXG0TEQ2A", "王海燕"
CITY_USERID = "dt-city-hz"


def filled(**changes: Any) -> dict[str, Any]:
    """A form that passes every rule; `changes` replace fields."""
    values: dict[str, Any] = {
        "nature": "legal_person",
        "category": "market",
        "introduction": "专注新材料领域的技术转移服务。联系人：王海燕，电话13700000011。",
        "service_industries": ["materials", "equipment"],
        "international_transfer": "无",
        "head_name": "王海燕",
        "head_position": "总经理",
        "head_mobile": "13700000011",
        "contact_name": "李明",
        "contact_mobile": "13700000012",
        "contact_email": "liming@example.com",
        "staff_total": 20,
        "staff_transfer": 8,
        "staff_full_time": 5,
        "basic_situation": "定位于新材料成果转化。规章制度：技术转移服务管理制度；服务规范：项目对接服务规范。",
        "performance": "近三年促成技术合同30项。",
        "cases": [
            {"title": "高强度纤维成果转化", "content": "促成某高校纤维技术许可给本地企业，合同金额300万元。"},
            {"title": "涂层材料联合开发", "content": "组织校企联合开发涂层材料，已实现量产。"},
        ],
        "reputation": "无",
        "plan": "完善成果转化制度，提升服务能力，建设专业化人才队伍。",
    }
    values.update(changes)
    return values


async def city_official(
    org: Org, region: str = "330100", mobile: str = "13722229001", userid: str = CITY_USERID
) -> int:
    made = await create_official(
        CreateOfficial(org.admin_id, "杭州市科技局审核员", mobile, region), org.uow, org.regions, membership=MEMBERSHIP
    )
    async with org.uow as uow:
        uow.session.add(DingTalkBinding(account_id=made.account_id, userid=userid, created_at=uow.clock.now()))
        await uow.commit()
    return made.account_id


async def certified_account(container: Container, account_id: int, file_id: int) -> None:
    """The unit certification as the platform left it after approving (the certification flow has its own tests)."""
    async with container.uow() as uow:
        now = uow.clock.now()
        uow.session.add(
            UnitCertification(
                account_id=account_id,
                name=NAME,
                credit_code=CODE,
                legal_representative=LEGAL,
                licence_file_id=file_id,
                region_code="330106",
                registry_check="confirmed",
                registry_provider="sandbox",
                status=CertificationStatus.CERTIFIED,
                reason=None,
                certified_code=CODE,
                certified_name=NAME,
                certified_legal_representative=LEGAL,
                certified_at=now,
                submitted_at=now,
                created_at=now,
                updated_at=now,
            )
        )
        await uow.commit()


def press(action: str, out_track_id: str, message_id: str, userid: str, **params: str) -> CardPress:
    data = {
        "outTrackId": out_track_id,
        "userId": userid,
        "corpId": "ding1",
        "content": json.dumps({"cardPrivateData": {"actionIds": [action], "params": params}}),
    }
    return CardPress.from_callback(message_id, data)


async def certified_applicant(org: Org, container: Container) -> int:
    """A certified organisation account (its licence stored) and the city official who reviews it."""
    await city_official(org)
    async with container.uow() as uow:
        now = uow.clock.now()
        account = Account(
            name="王海燕", mobile="13700000011", status=AccountStatus.ACTIVE, created_at=now, updated_at=now
        )
        uow.session.add(account)
        await uow.commit()
    stored = await upload_licence(
        UploadLicence(account.id, "营业执照.pdf", make_pdf("licence")), container.uow(), container.files
    )
    await certified_account(container, account.id, stored.id)
    return account.id
