"""Every route × every role, as a literal table: Y allowed (not refused by authorisation), - refused, 0 refused
by reading as missing (404: a file outside the caller's records is not told apart from one that does not exist).

A refused call answers 401 (anonymous: unauthenticated; a pending mini-program session: binding_required)
or 403 forbidden — or, when its path names a record outside the caller's scope, exactly what the same call
naming a missing id answers (404): out of scope reads as missing, for writes too. An allowed call to a page
route succeeds (2xx), its path ids pointing into the caller's own scope; an allowed call to a public sign-in
route may still fail on its content, never on authorisation. Every write naming a record is also called with a
missing id and with another institution's record (out of every identity's scope but the system admin's): the
answers are the same.
The table must name exactly the routes the app has: a new route without a row fails here.

Adding a route: add its row below; if it needs a body, add a builder to BODIES; if it has a new path
parameter, add its value to World.ids in conftest.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, cast

from aiohttp import FormData
from aiohttp.test_utils import TestClient

from handlers.auth.request_mobile_change_code import RequestMobileChangeCode, request_mobile_change_code
from miniapp_api.app import create_api_app
from tests.api import demand_world, expert_world, project_world
from tests.api.conftest import ROLES, World, bearer, build_world, xlsx
from tests.api.foreign_world import foreign_ids
from tests.auth.conftest import sms_sent
from tests.organisation.conftest import Org
from tests.registration.conftest import licence as registration_world_licence

# Columns: anonymous, pending, system_admin, institution_admin, centre_admin, staff, official, expert,
# enterprise_contact, technology_manager.
#                                                                    anon pend sys inst cadm staf offi expe ecnt tman
TABLE: dict[str, str] = {
    "GET /openapi.json": "Y    Y    Y   Y    Y    Y    Y    Y    Y    Y",
    "GET /regions": "Y    Y    Y   Y    Y    Y    Y    Y    Y    Y",
    "GET /regions/{code}": "Y    Y    Y   Y    Y    Y    Y    Y    Y    Y",
    "GET /tech-fields": "Y    Y    Y   Y    Y    Y    Y    Y    Y    Y",
    "GET /tech-fields/tree": "Y    Y    Y   Y    Y    Y    Y    Y    Y    Y",
    "GET /tech-fields/{code}": "Y    Y    Y   Y    Y    Y    Y    Y    Y    Y",
    "POST /auth/password-login": "Y    Y    Y   Y    Y    Y    Y    Y    Y    Y",
    "POST /auth/sms-codes": "Y    Y    Y   Y    Y    Y    Y    Y    Y    Y",
    "POST /auth/sms-login": "Y    Y    Y   Y    Y    Y    Y    Y    Y    Y",
    "POST /auth/password-reset": "Y    Y    Y   Y    Y    Y    Y    Y    Y    Y",
    "POST /auth/dingtalk-login": "Y    Y    Y   Y    Y    Y    Y    Y    Y    Y",
    "POST /auth/mini-program-login": "Y    Y    Y   Y    Y    Y    Y    Y    Y    Y",
    "POST /auth/password": "-    -    Y   Y    Y    Y    Y    Y    Y    Y",
    "POST /auth/logout": "-    -    Y   Y    Y    Y    Y    Y    Y    Y",
    "GET /me": "-    -    Y   Y    Y    Y    Y    Y    Y    Y",
    "GET /forms/{name}": "-    -    Y   Y    Y    Y    Y    Y    Y    Y",
    "GET /institution-directory": "-    -    -   Y    -    -    -    -    -    -",
    "GET /institutions": "-    -    Y   Y    Y    Y    Y    -    -    Y",
    "POST /institutions": "-    -    Y   -    -    -    -    -    -    -",
    "GET /institutions/{institution_id}": "-    -    Y   Y    Y    Y    Y    -    -    Y",
    "PATCH /institutions/{institution_id}": "-    -    -   Y    -    -    -    -    -    -",
    "GET /officials": "-    -    Y   -    -    -    Y    -    -    -",
    "POST /officials": "-    -    Y   -    -    -    -    -    -    -",
    "POST /calendar/holiday-schedules": "-    -    Y   -    -    -    -    -    -    -",
    "GET /centres": "-    -    Y   Y    Y    Y    Y    -    -    -",
    "POST /institutions/{institution_id}/centres": "-    -    -   Y    -    -    -    -    -    -",
    "GET /centres/{centre_id}": "-    -    Y   Y    Y    Y    Y    -    -    -",
    "PATCH /centres/{centre_id}": "-    -    -   Y    -    -    -    -    -    -",
    "GET /staff": "-    -    Y   Y    Y    Y    Y    -    -    -",
    "POST /centres/{centre_id}/staff": "-    -    -   Y    -    -    -    -    -    -",
    "GET /staff/{staff_member_id}": "-    -    Y   Y    Y    Y    Y    -    -    -",
    "GET /experts": "-    -    Y   Y    Y    Y    Y    Y    -    -",
    "POST /institutions/{institution_id}/experts": "-    -    -   Y    -    -    -    -    -    -",
    "GET /experts/{expert_id}": "-    -    Y   Y    Y    Y    Y    Y    -    -",
    "PUT /experts/{expert_id}/expertise": "-    -    -   Y    Y    Y    -    -    -    -",
    "POST /experts/{expert_id}/research-results": "-    -    -   Y    Y    Y    -    -    -    -",
    "POST /experts/{expert_id}/technical-solutions": "-    -    -   Y    Y    Y    -    -    -    -",
    "POST /expert-links/{link_id}/follow-ups": "-    -    -   -    Y    Y    -    -    -    -",
    "GET /enterprises": "-    -    Y   Y    Y    Y    Y    -    -    -",
    "POST /institutions/{institution_id}/enterprises": "-    -    -   Y    Y    Y    -    -    -    -",
    "POST /institutions/{institution_id}/enterprises/manual": "-    -    -   Y    Y    Y    -    -    -    -",
    "GET /enterprise-registry": "-    -    Y   Y    Y    Y    Y    Y    Y    Y",
    "PATCH /enterprises/{enterprise_id}": "-    -    -   Y    Y    Y    -    -    -    -",
    "POST /enterprises/{enterprise_id}/verify": "-    -    -   Y    Y    Y    -    -    -    -",
    "GET /enterprises/{enterprise_id}": "-    -    Y   Y    Y    Y    Y    -    -    -",
    "POST /enterprises/{enterprise_id}/contacts": "-    -    -   Y    Y    Y    -    -    -    -",
    "GET /institutions/{institution_id}/invitation-codes": "-    -    -   Y    -    -    -    -    -    -",
    "POST /institutions/{institution_id}/invitation-codes": "-    -    -   Y    -    -    -    -    -    -",
    "POST /invitation-codes/{invitation_code_id}/revoke": "-    -    -   Y    -    -    -    -    -    -",
    "GET /institutions/{institution_id}/technology-managers": "-    -    -   Y    -    -    -    -    -    -",
    "POST /invitation-codes/redeem": "-    -    -   -    Y    Y    -    -    -    Y",
    "GET /expert-imports/template": "-    -    -   Y    -    -    -    -    -    -",
    "POST /institutions/{institution_id}/expert-imports": "-    -    -   Y    -    -    -    -    -    -",
    "GET /institutions/{institution_id}/expert-imports/{import_id}/error-file": (
        "-    -    -   Y    -    -    -    -    -    -"
    ),
    "POST /expert-imports/template/link": "-    -    -   Y    -    -    -    -    -    -",
    "POST /institutions/{institution_id}/expert-imports/{import_id}/error-file/link": (
        "-    -    -   Y    -    -    -    -    -    -"
    ),
    "POST /auth/mini-program-bind": "-    Y    -   -    -    -    -    -    -    -",
    "GET /membership-invitations": "-    -    Y   Y    -    -    -    -    -    -",
    "POST /membership-invitations/{invitation_id}/revoke": "-    -    Y   Y    -    -    -    -    -    -",
    "POST /membership-invitations/{invitation_id}/resend": "-    -    Y   Y    -    -    -    -    -    -",
    "POST /accounts/{account_id}/initial-password": "-    -    Y   Y    -    -    -    -    -    -",
    "POST /accounts/{account_id}/mobile": "-    -    Y   Y    -    -    -    -    -    -",
    "POST /staff/{staff_member_id}/departure": "-    -    -   Y    Y    -    -    -    -    -",
    "POST /me/mobile-codes": "-    -    Y   Y    Y    Y    Y    Y    Y    Y",
    "POST /me/mobile": "-    -    Y   Y    Y    Y    Y    Y    Y    Y",
    "GET /demand-statuses": "Y    Y    Y   Y    Y    Y    Y    Y    Y    Y",
    "GET /demands": "-    -    Y   Y    Y    Y    Y    -    Y    -",
    "POST /demands": "-    -    -   -    Y    Y    -    -    -    -",
    "GET /demands/{demand_id}": "-    -    Y   Y    Y    Y    Y    -    Y    -",
    "GET /demands/{demand_id}/files/{file_id}": "-    -    Y   Y    Y    Y    Y    0    0    0",
    "POST /demands/{demand_id}/files/{file_id}/link": "-    -    Y   Y    Y    Y    Y    0    0    0",
    # Public: the token is the authorisation, and an unknown one reads as missing for everyone.
    "GET /file-links/{token}": "0    0    0   0    0    0    0    0    0    0",
    "PUT /demands/{demand_id}": "-    -    -   -    -    Y    -    -    -    -",
    "POST /demands/{demand_id}/submit": "-    -    -   -    -    Y    -    -    -    -",
    "POST /demands/{demand_id}/withdraw": "-    -    -   -    -    Y    -    -    -    -",
    "POST /demands/{demand_id}/close": "-    -    -   Y    -    Y    -    -    -    -",
    "GET /demand-pool": "-    -    -   Y    Y    Y    -    -    -    -",
    "POST /demand-pool": "-    -    -   -    -    -    -    -    Y    -",
    "POST /demands/{demand_id}/take-up": "-    -    -   Y    Y    -    -    -    -    -",
    "POST /reviews/{review_id}/decision": "-    -    -   Y    -    -    -    -    -    -",
    "GET /reviews/mine": "-    -    Y   Y    Y    Y    Y    Y    Y    Y",
    "GET /workbench": "-    -    Y   Y    Y    Y    Y    Y    Y    Y",
    "GET /workbench/component": "-    -    Y   Y    Y    Y    Y    Y    Y    Y",
    "POST /demand-attachments": "-    -    -   -    Y    Y    -    -    Y    -",
    "POST /demands/{demand_id}/follow-ups": "-    -    -   -    Y    Y    -    -    -    -",
    "GET /demands/{demand_id}/follow-ups": "-    -    Y   Y    Y    Y    Y    -    -    -",
    "POST /demands/{demand_id}/docking-staff": "-    -    -   -    Y    -    -    -    -    -",
    "POST /demands/{demand_id}/publication": "-    -    -   Y    -    -    -    -    -    -",
    "POST /demands/{demand_id}/publication/withdraw": "-    -    -   Y    -    -    -    -    -    -",
    "GET /publications": "-    -    -   Y    -    -    -    -    -    -",
    "GET /publications/{publication_id}/letter": "-    -    -   Y    -    -    -    -    -    -",
    "POST /publications/{publication_id}/accept": "-    -    -   Y    -    -    -    -    -    -",
    "GET /demands/{demand_id}/expert-suggestions": "-    -    -   -    Y    Y    -    -    -    -",
    "POST /demands/{demand_id}/expert-pushes": "-    -    -   -    Y    Y    -    -    -    -",
    "GET /demands/{demand_id}/expert-pushes": "-    -    Y   Y    Y    Y    -    -    -    -",
    "GET /points/me": "-    -    -   -    Y    Y    -    -    -    -",
    "GET /points/ranking": "-    -    Y   Y    Y    Y    Y    -    -    -",
    "GET /monitoring/{view}": "-    -    Y   Y    -    -    Y    -    -    -",
    "GET /monitoring/{view}/{unit_id}/{measure}": "-    -    Y   Y    -    -    Y    -    -    -",
    "GET /monitoring/{view}/chart": "-    -    Y   Y    -    -    Y    -    -    -",
    "GET /weekly-reports/{token}/chart.png": "0    0    0   0    0    0    0    0    0    0",
    "GET /indicators": "-    -    Y   Y    -    -    Y    -    -    -",
    "POST /indicators": "-    -    Y   Y    -    -    Y    -    -    -",
    "POST /project-files": "-    -    -   Y    Y    Y    -    -    -    -",
    "POST /demands/{demand_id}/project": "-    -    -   Y    Y    Y    -    -    -    -",
    "GET /demands/{demand_id}/project": "-    -    Y   Y    Y    Y    Y    -    -    -",
    "POST /demands/{demand_id}/project/fee-proof": "-    -    -   Y    Y    Y    -    -    -    -",
    "GET /projects": "-    -    Y   Y    Y    Y    Y    -    -    -",
    "GET /expert/profile": "-    -    -   -    -    -    -    Y    -    -",
    "PUT /expert/profile": "-    -    -   -    -    -    -    Y    -    -",
    "PUT /expert/research-fields": "-    -    -   -    -    -    -    Y    -    -",
    "GET /expert/technologies": "-    -    -   -    -    -    -    Y    -    -",
    "POST /expert/technologies": "-    -    -   -    -    -    -    Y    -    -",
    "PUT /expert/technologies/{technology_id}": "-    -    -   -    -    -    -    Y    -    -",
    "POST /expert/technologies/{technology_id}/withdraw": "-    -    -   -    -    -    -    Y    -    -",
    "GET /expert/hall": "-    -    -   -    -    -    -    Y    -    -",
    "GET /expert/demands/{demand_id}": "-    -    -   -    -    -    -    Y    -    -",
    "POST /expert/demands/{demand_id}/docking": "-    -    -   -    -    -    -    Y    -    -",
    "GET /expert/demands/{demand_id}/broker": "-    -    -   -    -    -    -    Y    -    -",
    "DELETE /expert/demands/{demand_id}/docking": "-    -    -   -    -    -    -    Y    -    -",
    "GET /expert/dockings": "-    -    -   -    -    -    -    Y    -    -",
    "GET /expert/subscriptions": "-    -    -   -    -    -    -    Y    -    -",
    "PUT /expert/subscriptions": "-    -    -   -    -    -    -    Y    -    -",
    "GET /expert/digests/{digest_id}": "-    -    -   -    -    -    -    Y    -    -",
    "POST /auth/register": "Y    Y    Y   Y    Y    Y    Y    Y    Y    Y",
    "POST /certification/licence": "-    -    Y   Y    Y    Y    Y    Y    Y    Y",
    "GET /certification/registry": "-    -    Y   Y    Y    Y    Y    Y    Y    Y",
    "GET /certification": "-    -    Y   Y    Y    Y    Y    Y    Y    Y",
    "POST /certification": "-    -    Y   Y    Y    Y    Y    Y    Y    Y",
    # The platform's reviewers and the applicant (no role of this table) only; to anyone else it does not exist.
    "GET /certifications/{certification_id}": "-    -    Y   0    0    0    0    0    0    0",
    "GET /certifications/{certification_id}/licence": "-    -    Y   0    0    0    0    0    0    0",
    "GET /technology-manager/registration": "-    -    Y   Y    Y    Y    Y    Y    Y    Y",
    "POST /technology-manager/registration": "-    -    Y   Y    Y    Y    Y    Y    Y    Y",
    "POST /technology-manager/scans": "-    -    Y   Y    Y    Y    Y    Y    Y    Y",
    "GET /technology-managers/{manager_id}": "-    -    Y   Y    0    0    Y    0    0    0",
    "PATCH /technology-managers/{manager_id}/certificate": "-    -    -   Y    -    -    -    -    -    -",
    "POST /technology-managers/{manager_id}/return": "-    -    -   Y    -    -    -    -    -    -",
    "DELETE /technology-managers/{manager_id}": "-    -    -   Y    -    -    -    -    -    -",
    "GET /institutions/{institution_id}/technology-manager-registrations": "-    -    -   Y    -    -    -    -    -    -",  # noqa: E501
    "GET /technology-manager-imports/template": "-    -    -   Y    -    -    -    -    -    -",
    "POST /technology-manager-imports/template/link": "-    -    -   Y    -    -    -    -    -    -",
    "POST /institutions/{institution_id}/technology-manager-imports": "-    -    -   Y    -    -    -    -    -    -",
    "GET /institutions/{institution_id}/technology-manager-imports/{import_id}/error-file": (
        "-    -    -   Y    -    -    -    -    -    -"
    ),
    "POST /institutions/{institution_id}/technology-manager-imports/{import_id}/error-file/link": (
        "-    -    -   Y    -    -    -    -    -    -"
    ),
    "GET /institution-registration": "-    -    Y   Y    Y    Y    Y    Y    Y    Y",
    # Only a certified unit's own account registers its institution; no role of the table is one.
    "PUT /institution-registration": "-    -    -   -    -    -    -    -    -    -",
    # A change asks a certified unit's own approved registration; no role of the table has one.
    "PUT /institution-registration/change": "-    -    -   -    -    -    -    -    -    -",
    # The applicant, the system admins and the officials whose region contains the institution's (330106).
    "GET /institution-registrations/{registration_id}": "-    -    Y   0    0    0    Y    0    0    0",
}
# not_mini_program and already_bound: the bind route takes only a pending mini-program session.
# invitation_not_for_role: an invitation code is for technology managers, not for officials, admins, experts…
REFUSALS = {
    "unauthenticated",
    "binding_required",
    "forbidden",
    "not_mini_program",
    "already_bound",
    "invitation_not_for_role",
}
# Logging out ends the session the other calls use: it goes last.
LAST = "POST /auth/logout"

# Path parameters that differ from World.ids for one route.
PATH_IDS: dict[str, dict[str, Any]] = {
    "GET /tech-fields/{code}": {"code": "01"},
    "GET /forms/{name}": {"name": "demand"},
    "GET /file-links/{token}": {"token": "not-a-token"},
    "GET /monitoring/{view}": {"view": "institutions"},
    "GET /monitoring/{view}/chart": {"view": "institutions"},
    "GET /weekly-reports/{token}/chart.png": {"token": "not-a-token"},
    "GET /monitoring/{view}/{unit_id}/{measure}": {"view": "institutions", "measure": "deals"},
}
# Path parameters taken from another World.ids entry, for routes whose effect would spoil the other actors'
# (a departure ends the leaver's sessions) or a later allowed role's call (a revoked invitation cannot be
# revoked again): "key:role" when present for the calling role, else "key".
ALIASES: dict[str, dict[str, str]] = {
    "POST /technology-managers/{manager_id}/return": {"manager_id": "return_manager_id"},
    "DELETE /technology-managers/{manager_id}": {"manager_id": "delete_manager_id"},
    "GET /institutions/{institution_id}/technology-manager-imports/{import_id}/error-file": {
        "import_id": "manager_import_id"
    },
    "POST /institutions/{institution_id}/technology-manager-imports/{import_id}/error-file/link": {
        "import_id": "manager_import_id"
    },
    "POST /staff/{staff_member_id}/departure": {"staff_member_id": "leaver_staff_member_id"},
    # Institution X, in the district official's 西湖区.
    "GET /monitoring/{view}/{unit_id}/{measure}": {"unit_id": "institution_id"},
    "POST /membership-invitations/{invitation_id}/revoke": {"invitation_id": "invitation_id"},
    "PUT /demands/{demand_id}": {"demand_id": "draft_demand_id"},
    "PATCH /enterprises/{enterprise_id}": {"enterprise_id": "manual_enterprise_id"},
    "POST /demands/{demand_id}/submit": {"demand_id": "submit_demand_id"},
    "POST /demands/{demand_id}/withdraw": {"demand_id": "withdraw_demand_id"},
    "POST /demands/{demand_id}/close": {"demand_id": "close_demand_id"},
    "POST /demands/{demand_id}/take-up": {"demand_id": "pool_demand_id"},
    "POST /demands/{demand_id}/follow-ups": {"demand_id": "docking_demand_id"},
    "GET /demands/{demand_id}/follow-ups": {"demand_id": "docking_demand_id"},
    "POST /demands/{demand_id}/docking-staff": {"demand_id": "staff_change_demand_id"},
    "POST /demands/{demand_id}/project": {"demand_id": "project_demand_id"},
    "GET /demands/{demand_id}/project": {"demand_id": "registered_demand_id"},
    # The registered project's contract: the enterprise sees the demand, not the project.
    "GET /demands/{demand_id}/files/{file_id}": {
        "demand_id": "registered_demand_id",
        "file_id": "registered_contract_file_id",
    },
    "POST /demands/{demand_id}/files/{file_id}/link": {
        "demand_id": "registered_demand_id",
        "file_id": "registered_contract_file_id",
    },
    "POST /demands/{demand_id}/project/fee-proof": {"demand_id": "fee_demand_id"},
    "POST /demands/{demand_id}/publication": {"demand_id": "publish_demand_id"},
    "POST /demands/{demand_id}/publication/withdraw": {"demand_id": "unpublish_demand_id"},
    "GET /demands/{demand_id}/expert-suggestions": {"demand_id": "docking_demand_id"},
    "POST /demands/{demand_id}/expert-pushes": {"demand_id": "docking_demand_id"},
    "GET /demands/{demand_id}/expert-pushes": {"demand_id": "docking_demand_id"},
    "GET /expert/demands/{demand_id}": {"demand_id": "docking_demand_id"},
    "POST /expert/demands/{demand_id}/docking": {"demand_id": "docking_demand_id"},
    "GET /expert/demands/{demand_id}/broker": {"demand_id": "docking_demand_id"},
    "DELETE /expert/demands/{demand_id}/docking": {"demand_id": "docking_demand_id"},
}

Body = Callable[[World, str, int], dict[str, Any]]


def _unique_mobile(n: int, block: int) -> str:
    return f"1376{block:03d}{n:04d}"


def _registry_names() -> list[str]:
    from sandbox.registry import RECORDS

    return [r.name for r in RECORDS if r.name != "杭州云栖智能传感科技有限公司"]


_MONITORED = {"params": {"from": "2026-11-01", "to": "2026-11-30"}}
BODIES: dict[str, Body] = {
    "GET /monitoring/{view}": lambda w, r, n: _MONITORED,
    "GET /monitoring/{view}/chart": lambda w, r, n: _MONITORED,
    "GET /monitoring/{view}/{unit_id}/{measure}": lambda w, r, n: _MONITORED,
    "POST /indicators": lambda w, r, n: {
        "json": {
            "owner": {"system_admin": "platform", "official": "region"}.get(r, "institution"),
            "key": f"k{n}",
            "name": "指标",
            "formula": "deals",
            "weight": 10,
        }
    },
    "POST /auth/password-login": lambda w, r, n: {"json": {"mobile": "13800000009", "password": "wrong-1"}},
    "POST /auth/sms-codes": lambda w, r, n: {"json": {"mobile": _unique_mobile(n, 1)}},
    "POST /auth/sms-login": lambda w, r, n: {"json": {"mobile": _unique_mobile(n, 1), "code": "000000"}},
    "POST /auth/password-reset": lambda w, r, n: {
        "json": {"mobile": _unique_mobile(n, 1), "code": "000000", "new_password": "abc12345678"}
    },
    "POST /auth/dingtalk-login": lambda w, r, n: {"json": {"auth_code": "unknown"}},
    "POST /auth/mini-program-login": lambda w, r, n: {"json": {"code": "unknown"}},
    "POST /auth/password": lambda w, r, n: {"json": {"old_password": "not-set-1", "new_password": "abc12345678"}},
    "POST /institutions": lambda w, r, n: {
        "json": {
            "name": f"新机构{n}",
            "credit_code": _credit(100 + n),
            "type": "university",
            "region_code": "330106",
            "admin_name": f"管理员{n}",
            "admin_mobile": _unique_mobile(n, 2),
        }
    },
    "PATCH /institutions/{institution_id}": lambda w, r, n: {"json": {"introduction": f"简介{n}"}},
    "POST /calendar/holiday-schedules": lambda w, r, n: {
        "json": {
            "year": 2031,
            "source": {"title": "国务院办公厅关于2031年部分节假日安排的通知", "url": "https://example.invalid/"},
            "holidays": ["2031-01-01"],
            "workdays": [],
        }
    },
    "POST /officials": lambda w, r, n: {
        "json": {"name": f"官员{n}", "mobile": _unique_mobile(n, 3), "region_code": "330100"}
    },
    "POST /institutions/{institution_id}/centres": lambda w, r, n: {
        "json": {"name": f"新中心{n}", "region_code": "330114"}
    },
    "PATCH /centres/{centre_id}": lambda w, r, n: {"json": {"name": f"改名中心{n}", "region_code": "330106"}},
    "POST /centres/{centre_id}/staff": lambda w, r, n: {
        "json": {"name": f"新人{n}", "mobile": _unique_mobile(n, 4), "position": "技术经理"}
    },
    "POST /institutions/{institution_id}/experts": lambda w, r, n: {
        "json": {"name": f"新专家{n}", "mobile": _unique_mobile(n, 5), "research_results": [{"title": "成果"}]}
    },
    "PUT /experts/{expert_id}/expertise": lambda w, r, n: {
        "json": {"research_fields": ["010203"], "region_code": "330106"}
    },
    "POST /experts/{expert_id}/research-results": lambda w, r, n: {"json": {"title": f"成果{n}"}},
    "POST /experts/{expert_id}/technical-solutions": lambda w, r, n: {"json": {"title": f"方案{n}"}},
    "POST /expert-links/{link_id}/follow-ups": lambda w, r, n: {
        "json": {
            "kind": "phone",
            "content": f"电话回访{n}",
            "occurred_at": (w.org.container.clock.now() - timedelta(hours=1)).isoformat(),
        }
    },
    "POST /institutions/{institution_id}/enterprises": lambda w, r, n: {"json": {"full_name": _registry_names()[n]}},
    "POST /enterprises/{enterprise_id}/contacts": lambda w, r, n: {
        "json": {"name": f"联系人{n}", "position": "经理", "phone": _unique_mobile(n, 6)}
    },
    "POST /institutions/{institution_id}/enterprises/manual": lambda w, r, n: {
        "json": {
            "full_name": f"手工录入企业{n}有限公司",
            "credit_code": _credit(700 + n),
            "region_code": "330106",
            "address": "浙江省杭州市西湖区",
            "legal_representative": f"法人{n}",
        }
    },
    "PATCH /enterprises/{enterprise_id}": lambda w, r, n: {"json": {"address": f"浙江省杭州市西湖区{n}号"}},
    "POST /institutions/{institution_id}/invitation-codes": lambda w, r, n: {
        "json": {"expires_at": (w.org.container.clock.now() + timedelta(days=7)).isoformat(), "max_uses": 3}
    },
    "POST /invitation-codes/{invitation_code_id}/revoke": lambda w, r, n: {"json": {"reason": "测试撤销"}},
    "POST /invitation-codes/redeem": lambda w, r, n: {"json": {"code": w.ids["redeem_code"]}},
    "POST /institutions/{institution_id}/expert-imports": lambda w, r, n: {"data": _upload(n)},
    "POST /institutions/{institution_id}/technology-manager-imports": lambda w, r, n: {"data": _manager_upload(n)},
    "POST /auth/mini-program-bind": lambda w, r, n: {"json": {"code": "unknown"}},
    "POST /auth/register": lambda w, r, n: {"json": {"mobile": _unique_mobile(n, 9), "code": "000000", "name": "新人"}},
    "POST /certification/licence": lambda w, r, n: {"data": registration_world_licence(n)},
    "POST /technology-manager/registration": lambda w, r, n: {"json": {"name": f"经理{n}", "draft": True}},
    "POST /technology-manager/scans": lambda w, r, n: {"data": registration_world_licence(n)},
    "PATCH /technology-managers/{manager_id}/certificate": lambda w, r, n: {"json": {"certificate_number": f"Z{n}"}},
    "POST /technology-managers/{manager_id}/return": lambda w, r, n: {"json": {"reason": "请更新"}},
    "GET /certification/registry": lambda w, r, n: {"params": {"name": _registry_names()[n]}},
    "POST /certification": lambda w, r, n: {
        "json": {
            "name": f"认证单位{n}",
            "credit_code": _credit(800 + n),
            "legal_representative": f"法人{n}",
            "licence_file_id": w.ids.get(f"licence_file_id:{r}", 0),
        }
    },
    "PUT /institution-registration": lambda w, r, n: {"json": {"draft": True, "introduction": "草稿"}},
    "PUT /institution-registration/change": lambda w, r, n: {"json": {"draft": True, "introduction": "草稿"}},
    "POST /membership-invitations/{invitation_id}/revoke": lambda w, r, n: {"json": {"reason": "测试撤销"}},
    "POST /accounts/{account_id}/initial-password": lambda w, r, n: {"json": {"password": f"chushi{n}mima"}},
    "POST /accounts/{account_id}/mobile": lambda w, r, n: {"json": {"mobile": _unique_mobile(n, 8), "reason": "换号"}},
    "POST /staff/{staff_member_id}/departure": lambda w, r, n: {"json": {"reason": "调岗"}},
    "POST /demand-attachments": lambda w, r, n: {"data": demand_world.attachment(n)},
    "POST /demands": lambda w, r, n: demand_world.body(w.ids["enterprise_id"]),
    "PUT /demands/{demand_id}": lambda w, r, n: demand_world.body(),
    "POST /demands/{demand_id}/close": lambda w, r, n: {"json": {"reason": "企业已自行解决"}},
    "POST /demand-pool": lambda w, r, n: demand_world.body(),
    "POST /demands/{demand_id}/take-up": lambda w, r, n: {"json": {"staff_account_id": w.ids["staff_account_id"]}},
    "POST /demands/{demand_id}/follow-ups": lambda w, r, n: {
        "json": {
            "kind": "visit",
            "content": f"走访企业{n}",
            "occurred_at": (w.org.container.clock.now() - timedelta(hours=1)).isoformat(),
        }
    },
    "POST /demands/{demand_id}/docking-staff": lambda w, r, n: {
        "json": {"staff_member_id": w.ids["spare_staff_member_id"]}
    },
    "POST /project-files": lambda w, r, n: {"data": demand_world.attachment(n)},
    "POST /demands/{demand_id}/project": lambda w, r, n: {
        "json": project_world.project_body(w.ids.get(f"contract_file_id:{r}", 0), project_world.today(w.org))
    },
    "POST /demands/{demand_id}/project/fee-proof": lambda w, r, n: {
        "json": {
            "file_id": w.ids.get(f"proof_file_id:{r}", 0),
            "paid_fen": 100,
            "paid_on": project_world.today(w.org).isoformat(),
        }
    },
    "POST /demands/{demand_id}/publication": lambda w, r, n: {"json": {"audience": "all", "fee_ratio_bp": 1000}},
    "POST /publications/{publication_id}/accept": lambda w, r, n: {
        "json": {
            "letter_version": w.ids["letter_version"],
            "letter_sha256": w.ids["letter_sha256"],
            "staff_member_id": w.ids["accept_staff_member_id"],
        }
    },
    "POST /demands/{demand_id}/expert-pushes": lambda w, r, n: {"json": {"expert_ids": [w.ids["expert_id"]]}},
    "POST /reviews/{review_id}/decision": lambda w, r, n: {"json": {"stage": 0, "decision": "approve"}},
    "PUT /expert/profile": lambda w, r, n: {
        "json": {"title": "研究员", "employer": "浙江大学", "introduction": f"简介{n}"}
    },
    "PUT /expert/research-fields": lambda w, r, n: {"json": {"field_codes": ["0101"]}},
    "POST /expert/technologies": lambda w, r, n: expert_world.technology_body(),
    "PUT /expert/technologies/{technology_id}": lambda w, r, n: expert_world.technology_body(),
    "PUT /expert/subscriptions": lambda w, r, n: {"json": {"field_codes": ["01", "0201"]}},
    "POST /me/mobile-codes": lambda w, r, n: {"json": {"mobile": _unique_mobile(n, 9)}},
    "POST /me/mobile": lambda w, r, n: {
        "json": {"mobile": _unique_mobile(n, 10), "code": w.ids.get(f"mobile_code:{r}", "000000")}
    },
}


async def _mobile_change_codes(world: World) -> None:
    """Each account asks for a code on a new number before the run, so /me/mobile can succeed."""
    policy = world.org.container.auth_policy
    for n, role in enumerate(ROLES):
        if role in world.accounts:
            await request_mobile_change_code(
                RequestMobileChangeCode(world.accounts[role], _unique_mobile(n, 10)),
                world.org.uow,
                policy,
                world.org.quota,
            )
            world.ids[f"mobile_code:{role}"] = (await sms_sent(world.org.container, _unique_mobile(n, 10)))[-1]


def _credit(n: int) -> str:
    from tests.api.conftest import credit_code

    return credit_code(n)


def _upload(n: int) -> FormData:
    form = FormData()
    form.add_field(
        "file",
        xlsx([[f"导入专家{n}", _unique_mobile(n, 7)]]),
        filename="专家.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return form


def _manager_upload(n: int) -> FormData:
    from tests.registration.manager_values import id_number, manager_xlsx, valid_form

    row = valid_form(mobile=_unique_mobile(n, 11), id_number=id_number(f"11010519800202{n:03d}"))
    form = FormData()
    form.add_field("file", manager_xlsx([row]), filename="经理人.xlsx", content_type=XLSX_TYPE)
    return form


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _row(route: str) -> dict[str, str]:
    cells = TABLE[route].split()
    assert len(cells) == len(ROLES) and set(cells) <= {"Y", "-", "0"}, route
    return dict(zip(ROLES, cells, strict=True))


def _app_routes() -> set[str]:
    app = create_api_app()
    return {
        f"{r.method} {r.resource.canonical}"
        for r in app.router.routes()
        if r.method != "HEAD" and r.resource is not None
    }


def test_the_table_names_exactly_the_apps_routes() -> None:
    routes = _app_routes()
    assert sorted(routes - TABLE.keys()) == [], "routes missing from the authorisation table"
    assert sorted(TABLE.keys() - routes) == [], "table rows naming routes the app lacks"


def test_the_openapi_document_names_exactly_the_apps_routes() -> None:
    from miniapp_api.app import OPENAPI

    paths = cast(dict[str, dict[str, Any]], OPENAPI["paths"])
    documented = {f"{method.upper()} {path}" for path, ops in paths.items() for method in ops}
    assert documented == _app_routes()


def _problem(template: str, role: str, cell: str, status: int, code: str | None, as_missing: bool) -> str | None:
    if cell == "0":
        return None if status == 404 else "expected missing (404)"
    refused = (status in (401, 403) and code in REFUSALS) or as_missing
    if cell == "Y":
        if code == "chart_font_missing":
            return None  # a machine without a CJK font (tests/charts): drawing comes after the authorisation
        page = not template.startswith("/auth/")
        if refused or (status >= 500 and status != 503) or (page and status >= 300):
            return "expected allowed"
        return None
    if not refused:
        return "expected refused"
    if (role == "anonymous" and code != "unauthenticated") or (role == "pending" and code != "binding_required"):
        return f"refused with {code}"
    return None


async def test_every_route_for_every_role(api: TestClient[Any, Any], org: Org) -> None:
    world, _x, tokens = await build_world(org)
    await _mobile_change_codes(world)
    failures: list[str] = []
    for route in sorted(TABLE, key=lambda r: r == LAST):
        method, template = route.split(" ", 1)
        row = _row(route)
        for n, role in enumerate(ROLES):
            aliased = {
                param: world.ids.get(f"{key}:{role}", world.ids[key]) for param, key in ALIASES.get(route, {}).items()
            }
            path = "/api/v1" + template.format(**{**world.ids, **aliased, **PATH_IDS.get(route, {})})
            kwargs = BODIES[route](world, role, n) if route in BODIES else {}
            response = await api.request(method, path, headers=bearer(tokens[role]), **kwargs)
            body = await response.read()
            code = None
            if response.content_type == "application/json" and body:
                payload = await response.json()
                code = payload.get("error", {}).get("code") if isinstance(payload, dict) else None
            as_missing = False
            if response.status in (403, 404) and row[role] == "-" and method != "GET" and "{" in template:
                missing = template.format(**dict.fromkeys(_params(template), MISSING_ID))
                again = BODIES[route](world, role, n) if route in BODIES else {}
                as_missing = (response.status, body) == await _answer(
                    api, method, "/api/v1" + missing, tokens[role], again
                )
                if response.status == 403 and not as_missing:
                    # A refusal that tells the record exists goes only to a caller who can read the record.
                    ids = {**world.ids, **aliased}
                    if not all([await _reads(api, tokens[role], world, p, ids[p]) for p in _params(template)]):
                        failures.append(
                            f"{route} as {role}: 403 for a record it cannot read, a missing id "
                            f"answers otherwise: {body[:300]!r}"
                        )
                as_missing = as_missing and response.status == 404
            problem = _problem(template, role, row[role], response.status, code, as_missing)
            if problem:
                failures.append(f"{route} as {role}: {problem}, got {response.status} {body[:300]!r}")
    assert failures == [], "\n".join(failures)


async def _reads(api: TestClient[Any, Any], token: str | None, world: World, param: str, value: int) -> bool:
    """Whether the caller reads the record a path parameter names, through the read routes: a demand (a review's
    through its demand), an organisation record, an expert link on its expert's page."""

    async def get(path: str) -> Any:
        response = await api.get("/api/v1" + path, headers=bearer(token))
        return await response.json() if response.status == 200 else None

    if param == "review_id":
        assert value == world.ids["review_id"], "the table's review is that of world.ids['demand_id']"
        return await get(f"/demands/{world.ids['demand_id']}") is not None
    if param == "link_id":
        page = await get(f"/experts/{world.ids['expert_id']}")
        return page is not None and value in [link["link_id"] for link in page["links"]]
    readers = {
        "demand_id": "/demands/{}",
        "centre_id": "/centres/{}",
        "expert_id": "/experts/{}",
        "enterprise_id": "/enterprises/{}",
        "institution_id": "/institutions/{}",
        "staff_member_id": "/staff/{}",
        "manager_id": "/technology-managers/{}",
    }
    assert param in readers, f"no read route tells whether the caller sees a {param}"
    return await get(readers[param].format(value)) is not None


# A write naming a record the caller cannot see answers exactly as one naming a record that does not exist.
MISSING_ID = 999_999
# The system admin sees every institution's records: on them it is answered as the one who sees them
# (allowed, or forbidden for the action). Only the expert's own pages are out of its scope.
SEES_ALL = "system_admin"


def _params(template: str) -> list[str]:
    return [part[1:-1] for part in template.split("/") if part.startswith("{")]


def _writes_with_ids() -> list[str]:
    return sorted(r for r in TABLE if not r.startswith("GET ") and "{" in r)


async def _answer(
    api: TestClient[Any, Any], method: str, path: str, token: str | None, kwargs: dict[str, Any]
) -> tuple[int, bytes]:
    response = await api.request(method, path, headers=bearer(token), **kwargs)
    return response.status, await response.read()


async def test_a_write_naming_what_the_caller_cannot_see_answers_as_a_missing_id(
    api: TestClient[Any, Any], org: Org
) -> None:
    world, _x, tokens = await build_world(org)
    foreign = await foreign_ids(org, world)
    failures: list[str] = []
    probed = 0
    for route in _writes_with_ids():
        method, template = route.split(" ", 1)
        params = {key: ALIASES.get(route, {}).get(key, key) for key in _params(template)}
        for n, role in enumerate(ROLES):
            if role == SEES_ALL and not template.startswith("/expert/"):
                continue
            answers = []
            for ids in (dict.fromkeys(params, MISSING_ID), {p: foreign[key] for p, key in params.items()}):
                kwargs = BODIES[route](world, role, n) if route in BODIES else {}
                answers.append(await _answer(api, method, "/api/v1" + template.format(**ids), tokens[role], kwargs))
            probed += 1
            (missing_status, missing_body), (foreign_status, foreign_body) = answers
            if (missing_status, missing_body) != (foreign_status, foreign_body):
                failures.append(
                    f"{route} as {role}: missing id {missing_status} {missing_body[:200]!r}, "
                    f"another institution's {foreign_status} {foreign_body[:200]!r}"
                )
    assert probed > 300
    assert failures == [], f"{len(failures)} differ:\n" + "\n".join(failures)
