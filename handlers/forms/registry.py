"""Every declared form by name: what GET /api/v1/forms/{name} serves."""

from __future__ import annotations

from handlers.demands.form import DEMAND, DEMAND_EDIT, POOL_DEMAND
from handlers.enterprises.form import ENTERPRISE, ENTERPRISE_CONTACT, ENTERPRISE_ENTRY
from handlers.expert_channel.form import EXPERT_PROFILE, TECHNOLOGY, TECHNOLOGY_EDIT
from handlers.experts.form import EXPERT
from handlers.follow_ups.form import FOLLOW_UP
from handlers.forms.declaration import Form
from handlers.institutions.form import CENTRE, INSTITUTION
from handlers.projects.form import FEE_PROOF, PROJECT
from handlers.registration.form import CERTIFICATION
from handlers.staff.form import STAFF

DECLARED: tuple[Form, ...] = (
    DEMAND,
    DEMAND_EDIT,
    POOL_DEMAND,
    FOLLOW_UP,
    PROJECT,
    FEE_PROOF,
    EXPERT,
    ENTERPRISE,
    ENTERPRISE_ENTRY,
    ENTERPRISE_CONTACT,
    INSTITUTION,
    CENTRE,
    STAFF,
    EXPERT_PROFILE,
    TECHNOLOGY,
    TECHNOLOGY_EDIT,
    CERTIFICATION,
)
FORMS: dict[str, Form] = {form.name: form for form in DECLARED}
