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
MANAGER_REVIEW_DAYS = 5
# The city bureau that reviews individual registrations (seed 000: managers working in Beijing).
INDIVIDUAL_REGION = "110100"

_CITY = Stage("市级审核", Role.OFFICIAL, Reach.CITY, Deadline(MANAGER_REVIEW_DAYS, remind_before=1))

BOUND = register_chain(
    Chain(
        BOUND_CHAIN,
        "技术经理人登记",
        (
            Stage(
                "机构审核",
                Role.INSTITUTION_ADMIN,
                Reach.INSTITUTION,
                Deadline(
                    MANAGER_REVIEW_DAYS,
                    remind_before=1,
                    escalate_to=Escalation(Role.OFFICIAL, Reach.CITY, from_institution=True),
                ),
            ),
            _CITY,
        ),
    )
)
INDIVIDUAL = register_chain(Chain(INDIVIDUAL_CHAIN, "技术经理人登记（个人）", (_CITY,)))
DELETION = register_chain(
    Chain(
        DELETION_CHAIN,
        "技术经理人删除",
        (Stage("平台审核", Role.SYSTEM_ADMIN, Reach.PLATFORM, Deadline(MANAGER_REVIEW_DAYS, remind_before=1)),),
    )
)
# Managers an institution enters itself (its Excel import): the institution is the one vouching for them, so its
# own review stage has nothing to add (seed 000 一.4: 技术转移机构在线审核本单位经理人信息) and the city reviews.
ENTERED_CHAIN = "technology_manager_entered"
ENTERED = register_chain(Chain(ENTERED_CHAIN, "技术经理人登记（机构录入）", (_CITY,)))
