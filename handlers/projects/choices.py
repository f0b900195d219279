"""The closed choices of a project registration and the expected fee.

Seed 004 §四.5 names the fields (项目类别, 主体类型, 合作方式) but not their options; these lists are our guess
from common practice: the category follows the five kinds of technology contract registered under
《技术合同认定登记管理办法》, the entity type is the kind of undertaking unit, the cooperation mode how the
parties work together. Codes are stored, labels shown; adding an option is a new entry here."""

from __future__ import annotations

from handlers.errors import InvalidInput

CATEGORIES = {
    "development": "技术开发",
    "transfer": "技术转让",
    "licence": "技术许可",
    "service": "技术服务",
    "consulting": "技术咨询",
    "other": "其他",
}
ENTITY_TYPES = {
    "university": "高校",
    "institute": "科研院所",
    "new_rnd": "新型研发机构",
    "enterprise": "企业",
    "other": "其他",
}
COOPERATION_MODES = {
    "commissioned": "委托开发",
    "joint": "合作开发",
    "transfer": "成果转让",
    "licence": "许可实施",
    "equity": "作价入股",
    "joint_platform": "共建研发平台",
    "other": "其他",
}

BASIS_POINTS = 10_000
FLAG_BELOW_AGREED = "below_agreed"
FLAG_LABELS = {FLAG_BELOW_AGREED: "低于约定比例"}


def choice(value: str, options: dict[str, str], label: str, code: str) -> str:
    key = value.strip()
    if key not in options:
        raise InvalidInput(f"请选择正确的{label}：{'、'.join(options.values())}", code=code)
    return key


def expected_fee_fen(amount_fen: int, ratio_bp: int) -> int:
    """ratio × amount, rounded DOWN to the fen: a payer who computed the fee to the fen is never flagged for a
    fraction of one."""
    return amount_fen * ratio_bp // BASIS_POINTS


def fee_flag(paid_fen: int, expected_fen: int) -> str | None:
    """Below the agreed fee is flagged for the admin, never refused: the parties may have agreed a discount."""
    return FLAG_BELOW_AGREED if paid_fen < expected_fen else None
