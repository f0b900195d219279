"""The commitment letter (承诺函) as versioned data: a publication keeps the version current when it was
published, so a letter once shown renders to the same text and hash until that publication ends. 2026.1 named the
demand by its database id; 2026.2 by the number people see (XQ2026-000123)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

CURRENT_VERSION = "2026.2"
TEMPLATES = {
    "2026.1": (
        "承诺函\n"
        "\n"
        "致{publisher}：\n"
        "\n"
        "我单位{acceptor}自愿受理贵单位公开的需求「{title}」（需求编号 {demand_id}），并郑重承诺：\n"
        "一、指派本单位技转人员认真对接该需求，及时记录跟进情况；\n"
        "二、对接成功后，按合同金额的{fee_ratio}向贵单位支付中介服务费；\n"
        "三、对需求企业的信息予以保密，不用于本需求以外的用途。\n"
        "\n"
        "本承诺函经我单位法人机构管理员在线确认后生效，确认记录存证于平台。\n"
    ),
    "2026.2": (
        "承诺函\n"
        "\n"
        "致{publisher}：\n"
        "\n"
        "我单位{acceptor}自愿受理贵单位公开的需求「{title}」（需求编号 {number}），并郑重承诺：\n"
        "一、指派本单位技转人员认真对接该需求，及时记录跟进情况；\n"
        "二、对接成功后，按合同金额的{fee_ratio}向贵单位支付中介服务费；\n"
        "三、对需求企业的信息予以保密，不用于本需求以外的用途。\n"
        "\n"
        "本承诺函经我单位法人机构管理员在线确认后生效，确认记录存证于平台。\n"
    ),
}


@dataclass(frozen=True)
class Letter:
    version: str
    text: str
    sha256: str


def percent(bp: int) -> str:
    """Basis points as a percentage without floats: 850 → 8.5%."""
    whole, rest = divmod(bp, 100)
    return f"{whole}.{rest:02d}".rstrip("0").rstrip(".") + "%"


def render(
    version: str, *, publisher: str, acceptor: str, title: str, demand_id: int, number: str, fee_ratio_bp: int
) -> Letter:
    text = TEMPLATES[version].format(
        publisher=publisher,
        acceptor=acceptor,
        title=title,
        demand_id=demand_id,
        number=number,
        fee_ratio=percent(fee_ratio_bp),
    )
    return Letter(version, text, hashlib.sha256(text.encode()).hexdigest())
