"""The review card's summary of a basic-information change (基础信息变更): which approved record it changes and
every changed field, old → new. The card is read on a phone: a long value is cut, the page (查看详情) has it all."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

CUT = 60  # characters of a value on the card


class Change(Protocol):
    @property
    def label(self) -> str: ...
    @property
    def old(self) -> str: ...
    @property
    def new(self) -> str: ...


def _cut(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        return "（空）"
    return text if len(text) <= CUT else text[:CUT] + "…"


def change_summary(registration_number: str, credit_code: str, changes: Sequence[Change]) -> str:
    """The card's summary line block: the record, then one line per changed field."""
    head = f"基础信息变更（登记号：{registration_number}）\n统一社会信用代码：{credit_code}\n"
    lines = [f"{i}. {c.label}：{_cut(c.old)} → {_cut(c.new)}" for i, c in enumerate(changes, 1)]
    return head + f"变更内容（{len(changes)}项）：\n" + "\n".join(lines)
