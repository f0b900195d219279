"""The technology-manager review chains, declared as data for the review engine: a bound manager's registration
goes to the institution's admins, then to the city bureau; an individual's straight to the city; deleting an
approved manager needs the platform."""

from __future__ import annotations

from handlers.reviews.chains import Chain, Deadline, Escalation, Reach, Stage, register_chain
from store.models.organisation import Role

MANAGER_SUBJECT = "technology_manager"
MANAGER_DELETION_SUBJECT = "technology_manager_deletion"
BOUND_CHAIN = "technology_manager"
INDIVIDUAL_CHAIN = "technology_manager_individual"
DELETION_CHAIN = "technology_manager_deletion"
# The defaults; KEZHUAN_REGISTRATION__MANAGER_REVIEW_DAYS and KEZHUAN_REGISTRATION__INDIVIDUAL_REGION set them
# (bot.bootstrap re-registers the chains; RegistrationPolicy.individual_region).
MANAGER_REVIEW_DAYS = 5
# The city bureau that reviews individual registrations (seed 000: managers working in Beijing).
INDIVIDUAL_REGION = "110100"
# Managers an institution enters itself (its Excel import): the institution is the one vouching for them, so its
# own review stage has nothing to add (seed 000 一.4: 技术转移机构在线审核本单位经理人信息) and the city reviews.
ENTERED_CHAIN = "technology_manager_entered"


def manager_chains(days: int = MANAGER_REVIEW_DAYS) -> tuple[Chain, ...]:
    """Each stage `days` working days, with a reminder the day before; the institution's, overdue, escalated to
    the city."""
    city = Stage("市级审核", Role.OFFICIAL, Reach.CITY, Deadline(days, remind_before=1))
    institution = Stage(
        "机构审核",
        Role.INSTITUTION_ADMIN,
        Reach.INSTITUTION,
        Deadline(days, remind_before=1, escalate_to=Escalation(Role.OFFICIAL, Reach.CITY, from_institution=True)),
    )
    platform = Stage("平台审核", Role.SYSTEM_ADMIN, Reach.PLATFORM, Deadline(days, remind_before=1))
    return (
        Chain(BOUND_CHAIN, "技术经理人登记", (institution, city)),
        Chain(INDIVIDUAL_CHAIN, "技术经理人登记（个人）", (city,)),
        Chain(DELETION_CHAIN, "技术经理人删除", (platform,)),
        Chain(ENTERED_CHAIN, "技术经理人登记（机构录入）", (city,)),
    )


for _chain in manager_chains():
    register_chain(_chain)
