"""Queue the official account's menu for menu/create when it differs from the last one queued.

Every instance calls this at start-up; two starting together may both queue the same menu, which the platform
takes twice with the same result. `force` queues it anyway (after a change made in the platform's console)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from cards.outbound import Channel, MenuMessage
from store.models.outbox import OutboxMessage, OutboxStatus
from store.uow import UnitOfWork


@dataclass(frozen=True)
class PublishMenu:
    app_id: str
    body: dict[str, Any]  # the menu/create body
    force: bool = False


@dataclass(frozen=True)
class MenuPublished:
    queued: bool
    digest: str


def menu_digest(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


async def publish_menu(cmd: PublishMenu, uow: UnitOfWork) -> MenuPublished:
    digest = menu_digest(cmd.body)
    source = f"menu:{digest}"
    async with uow:
        latest = (
            await uow.session.execute(
                select(OutboxMessage.source, OutboxMessage.status)
                .where(OutboxMessage.channel == Channel.WECHAT_MENU)
                .order_by(OutboxMessage.id.desc())
                .limit(1)
            )
        ).one_or_none()
        if not cmd.force and latest is not None and latest.source == source and latest.status != OutboxStatus.DEAD:
            return MenuPublished(queued=False, digest=digest)
        await uow.send(MenuMessage(app_id=cmd.app_id, body=cmd.body, source=source))
        await uow.commit()
        return MenuPublished(queued=True, digest=digest)
