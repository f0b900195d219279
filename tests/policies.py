"""The policies a test passes to a use case, built from the test settings by the container's own factories.

Use cases have no default policy: a test that calls one directly passes these (the values a deployment that
sets nothing gets), and a test that wants other values builds its own from changed settings.
"""

from __future__ import annotations

import os
from unittest import mock

from bot.bootstrap import demand_policy, membership_policy, registration_policy
from bot.settings import Settings
from handlers.demands.policy import DemandPolicy
from handlers.membership.policy import MembershipPolicy
from handlers.registration.policy import RegistrationPolicy
from handlers.reviews.subjects import SubjectHooks, default_subjects


def default_settings() -> Settings:
    """The settings' defaults alone: like every test (tests/conftest.py), blind to the KEZHUAN_ environment."""
    kept = {name: value for name, value in os.environ.items() if not name.startswith("KEZHUAN_")}
    with mock.patch.dict(os.environ, kept, clear=True):
        return Settings()


DEMANDS: DemandPolicy = demand_policy(default_settings())
MEMBERSHIP: MembershipPolicy = membership_policy(default_settings())
# What a decided review does to its subject, with DEMANDS (what the REST route and the card listener pass).
REGISTRATION: RegistrationPolicy = registration_policy(default_settings())
SUBJECTS: dict[str, SubjectHooks] = default_subjects(DEMANDS, REGISTRATION)
