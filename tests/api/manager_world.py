"""Technology-manager records for the authorisation table, bound to one institution: one pending with the
institution (read, certificate corrected), one approved (驳回更新), one pending to delete. Built through the
use cases; the approval is written directly (the review flow has its own tests)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from handlers.forms.check import read
from handlers.invitations.create_invitation_code import CreateInvitationCode, create_invitation_code
from handlers.registration.manager_form import MANAGER
from handlers.registration.manager_import import ImportManagers, import_managers
from handlers.registration.manager_submit import SubmitManager, submit_manager
from store.models.manager_registration import ManagerStatus, TechnologyManagerRegistration
from tests.policies import REGISTRATION
from tests.registration.manager_values import id_number, manager_xlsx, valid_form

if TYPE_CHECKING:  # the conftest imports this module
    from tests.api.conftest import World
    from tests.organisation.conftest import Org


async def manager_ids(base: Org, world: World, institution_id: int, admin_id: int, mobiles: str) -> dict[str, int]:
    """`mobiles`: a 9-digit prefix for the managers' own numbers; ID numbers follow from it."""
    expires = base.container.clock.now() + timedelta(days=30)
    code = await create_invitation_code(CreateInvitationCode(admin_id, institution_id, expires, 10), base.uow)
    ids: dict[str, int] = {}
    for n, key in enumerate(("manager_id", "return_manager_id", "delete_manager_id")):
        account = await world.account(f"经理人{n}", f"{mobiles}{n:02d}")
        form = valid_form(invitation_code=code.code, id_number=id_number(f"110105198001{mobiles[-2:]}{n:03d}"))
        view = await submit_manager(SubmitManager(account, read(MANAGER, form)), base.uow, REGISTRATION)
        ids[key] = view.id
    async with base.uow as uow:
        record = await uow.session.scalar(
            select(TechnologyManagerRegistration).where(TechnologyManagerRegistration.id == ids["return_manager_id"])
        )
        assert record is not None
        record.status, record.approved_at = ManagerStatus.APPROVED, uow.clock.now()
        await uow.commit()
    # An import by the institution with one failing row: its error file.
    content = manager_xlsx([valid_form(title_level="junior", id_number=id_number(f"110105198003{mobiles[-2:]}001"))])
    imported = await import_managers(
        ImportManagers(institution_id, admin_id, content, "经理人.xlsx"), base.uow, base.container.files, REGISTRATION
    )
    ids["manager_import_id"] = imported.import_id
    return ids
