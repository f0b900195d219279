"""Expert pushes for the authorisation table: the official account's policy, and institution X's expert made
reachable (bound to the mini-program and following), so an allowed push succeeds."""

from __future__ import annotations

from tests.expert_push.support import POLICY, make_reachable
from tests.organisation.conftest import Org


async def reachable_expert(base: Org, expert_account: int) -> None:
    await make_reachable(base.container, expert_account, "o-world-expert", app_id=POLICY.app_id)
