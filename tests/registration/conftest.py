"""Registration fixtures: the REST pages (with the sandbox registry), the organisation's system admin, and the
helpers a registrant's phone would use."""

from __future__ import annotations

from typing import Any

from aiohttp import FormData
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.bootstrap import Container
from sandbox.documents import make_pdf
from store.models.outbox import OutboxMessage
from tests.api.conftest import api, bearer  # noqa: F401  (fixtures)
from tests.auth.conftest import sms_sent
from tests.organisation.conftest import org, regions, registry  # noqa: F401  (fixtures)


async def register(api: TestClient[Any, Any], container: Container, mobile: str, name: str = "李四") -> Any:  # noqa: F811
    """Ask a registration code and register with it, as the page does; the session's JSON."""
    asked = await api.post("/api/v1/auth/sms-codes", json={"mobile": mobile, "purpose": "register"})
    assert asked.status == 202, await asked.text()
    code = (await sms_sent(container, mobile))[-1]
    response = await api.post("/api/v1/auth/register", json={"mobile": mobile, "code": code, "name": name})
    assert response.status in (200, 201), await response.text()
    return await response.json()


def licence(n: int = 1) -> FormData:
    form = FormData()
    form.add_field("file", make_pdf(f"licence {n}"), filename=f"营业执照{n}.pdf", content_type="application/pdf")
    return form


async def upload_licence(api: TestClient[Any, Any], token: str, n: int = 1) -> int:  # noqa: F811
    response = await api.post("/api/v1/certification/licence", data=licence(n), headers=bearer(token))
    assert response.status == 201, await response.text()
    return int((await response.json())["id"])


async def sms_to(container: Container, mobile: str, template: str) -> list[dict[str, Any]]:
    async with container.sessionmaker() as session:
        rows = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.channel == "sms", OutboxMessage.recipient == mobile)
            .order_by(OutboxMessage.id)
        )
        return [dict(r.payload["params"]) for r in rows if r.payload["template_code"] == template]
