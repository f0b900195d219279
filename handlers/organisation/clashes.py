"""A unique constraint that fires despite the checks (two requests racing) is still a Conflict."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError

from handlers.errors import Conflict


@contextmanager
def clash_is_conflict(message: str = "该记录已存在，请刷新后查看") -> Iterator[None]:
    try:
        yield
    except IntegrityError as exc:
        raise Conflict(message, code="duplicate") from exc
