"""Every declared form by name: what GET /api/v1/forms/{name} serves."""

from __future__ import annotations

from handlers.demands.form import DEMAND, DEMAND_EDIT, POOL_DEMAND
from handlers.enterprises.form import ENTERPRISE, ENTERPRISE_CONTACT, ENTERPRISE_EDIT, ENTERPRISE_ENTRY
from handlers.expert_channel.form import EXPERT_PROFILE, TECHNOLOGY, TECHNOLOGY_EDIT
from handlers.experts.form import EXPERT, EXPERT_FOLLOW_UP
from handlers.follow_ups.form import FOLLOW_UP
from handlers.forms.declaration import Form
from handlers.indicators.form import INDICATOR
from handlers.institutions.form import CENTRE, CENTRE_EDIT, INSTITUTION, INSTITUTION_EDIT
from handlers.projects.form import FEE_PROOF, PROJECT
from handlers.publications.form import PUBLICATION
from handlers.registration.form import CERTIFICATION
from handlers.registration.institution_form import INSTITUTION_CHANGE, INSTITUTION_REGISTRATION
from handlers.registration.manager_correct_certificate import CERTIFICATE as MANAGER_CERTIFICATE
from handlers.registration.manager_form import MANAGER
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
    INSTITUTION_EDIT,
    CENTRE,
    CENTRE_EDIT,
    STAFF,
    EXPERT_PROFILE,
    TECHNOLOGY,
    TECHNOLOGY_EDIT,
    PUBLICATION,
    ENTERPRISE_EDIT,
    EXPERT_FOLLOW_UP,
    INDICATOR,
    CERTIFICATION,
    MANAGER,
    MANAGER_CERTIFICATE,
    INSTITUTION_REGISTRATION,
    INSTITUTION_CHANGE,
)
FORMS: dict[str, Form] = {form.name: form for form in DECLARED}
