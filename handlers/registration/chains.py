"""The registration review chains, declared as data for the review engine."""

from __future__ import annotations

from handlers.reviews.chains import Chain, Deadline, Reach, Stage, register_chain
from store.models.organisation import Role

CERTIFICATION_CHAIN = "unit_certification"
CERTIFICATION_SUBJECT = "unit_certification"
# The default; KEZHUAN_REGISTRATION__CERTIFICATION_REVIEW_DAYS sets it (bot.bootstrap).
CERTIFICATION_REVIEW_DAYS = 5


def certification_review(days: int = CERTIFICATION_REVIEW_DAYS) -> Chain:
    """The platform (a system admin) reviews a unit certification within `days` working days."""
    return Chain(
        CERTIFICATION_CHAIN,
        "单位认证",
        (Stage("平台审核", Role.SYSTEM_ADMIN, Reach.PLATFORM, Deadline(days, remind_before=1)),),
    )


INSTITUTION_CHAIN = "institution_registration"
INSTITUTION_SUBJECT = "institution_registration"
# The default; KEZHUAN_REGISTRATION__INSTITUTION_REVIEW_DAYS sets it (bot.bootstrap).
INSTITUTION_REVIEW_DAYS = 10


def institution_review(days: int = INSTITUTION_REVIEW_DAYS) -> Chain:
    """The city bureau (科技局) of the institution's region reviews its registration (seed 000 一.4)."""
    return Chain(
        INSTITUTION_CHAIN,
        "技术转移机构登记",
        (Stage("市级审核", Role.OFFICIAL, Reach.CITY, Deadline(days, remind_before=1)),),
    )


register_chain(certification_review())
register_chain(institution_review())
