"""Counting what one unit of work costs the database: SQL statements, transactions, savepoints.

Statements and round trips are deterministic where latency on a shared machine is not; the bench and the
statement-budget test use this to see what a review-card press costs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass
class StatementCount:
    statements: list[str] = field(default_factory=list)
    transactions: int = 0
    savepoints: int = 0

    @property
    def total(self) -> int:
        return len(self.statements)

    def report(self) -> str:
        lines = [f"{self.total} statements, {self.transactions} transactions, {self.savepoints} savepoints"]
        lines += [f"  {n + 1:>2}. {' '.join(s.split())[:160]}" for n, s in enumerate(self.statements)]
        return "\n".join(lines)


@contextmanager
def count_statements(engine: AsyncEngine) -> Iterator[StatementCount]:
    """Every statement sent on `engine` while inside (BEGIN/COMMIT are counted as transactions)."""
    counted = StatementCount()
    sync = engine.sync_engine

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        counted.statements.append(statement)

    def on_begin(_conn: Any) -> None:
        counted.transactions += 1

    def on_savepoint(_conn: Any, _name: Any) -> None:
        counted.savepoints += 1

    event.listen(sync, "before_cursor_execute", on_execute)
    event.listen(sync, "begin", on_begin)
    event.listen(sync, "savepoint", on_savepoint)
    try:
        yield counted
    finally:
        event.remove(sync, "before_cursor_execute", on_execute)
        event.remove(sync, "begin", on_begin)
        event.remove(sync, "savepoint", on_savepoint)
