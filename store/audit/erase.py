"""Erasing a person's personal values (PIPL, an unfollow) without breaking the chain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from store.models.audit import AuditPersonalField


async def erase_subject(session: AsyncSession, *, subject: str, now: datetime) -> int:
    """Null the values and salts of one subject; the chain keeps only digests, which stay valid."""
    result = await session.execute(
        update(AuditPersonalField)
        .where(AuditPersonalField.subject == subject, AuditPersonalField.value.is_not(None))
        .values(value=None, salt=None, erased_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0))
