"""An admin corrects a person's mobile number when they cannot do it themselves (a lost or changed phone).

The platform identities were proven against the old number, so they are unbound and every session ends:
the person binds again at their next sign-in — DingTalk 免登 binds when the directory's mobile equals the
new number, the mini-program when the authorised phone does.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from handlers.auth.sessions import revoke_sessions
from handlers.errors import InvalidInput, NotFound
from handlers.organisation import validation as v
from handlers.organisation.account_authority import require_account_authority
from handlers.organisation.actors import load_actor
from handlers.organisation.people import MOBILE_TAKEN, move_mobile
from handlers.transactions import transact
from store.models.auth import DingTalkBinding, MiniProgramBinding
from store.models.organisation import Account
from store.transaction import Transaction
from store.uow import UnitOfWork


@dataclass(frozen=True)
class CorrectMobile:
    actor_id: int
    account_id: int
    new_mobile: str
    reason: str


async def correct_mobile(cmd: CorrectMobile, uow: UnitOfWork) -> None:
    number = v.mobile(cmd.new_mobile)
    reason = v.required_text(cmd.reason, "更正原因", 200)

    async def run(tx: Transaction) -> None:
        actor = await load_actor(tx, cmd.actor_id)
        # Authority first: an unknown id and someone else's account answer alike.
        await require_account_authority(
            tx, actor, cmd.account_id, experts_too=True, refusal="只能更正本机构技转人员或专家的手机号码"
        )
        account = await tx.session.scalar(select(Account).where(Account.id == cmd.account_id).with_for_update())
        if account is None:
            raise NotFound("未找到该账号")
        if account.mobile == number:
            raise InvalidInput("新手机号码与当前号码相同", code="same_mobile")
        await move_mobile(tx, account, number, actor=actor.label, action="mobile_corrected", reason=reason)
        for binding in (DingTalkBinding, MiniProgramBinding):
            await tx.session.execute(delete(binding).where(binding.account_id == account.id))
        await revoke_sessions(tx, account.id)

    await transact(uow, run, clash=MOBILE_TAKEN)
