"""Pagination for the list use cases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from handlers.errors import InvalidInput

T = TypeVar("T")
PAGE_SIZE_MAX = 100


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    page_size: int = 20

    def checked(self) -> PageRequest:
        if self.page < 1 or not 1 <= self.page_size <= PAGE_SIZE_MAX:
            raise InvalidInput(f"分页参数有误（每页最多{PAGE_SIZE_MAX}条）", code="invalid_page")
        return self

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass(frozen=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    total: int
    page: int
    page_size: int
