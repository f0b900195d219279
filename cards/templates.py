"""Card templates declared as data: id, variables, buttons and when each button shows.

The builders fill a template's variables; the sandbox renders from the same declarations and
refuses card data that DingTalk would refuse (a missing or non-string variable).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cards.actions import CardAction


@dataclass(frozen=True)
class VisibleWhen:
    """A button shows only while `variable` equals `value` (the card builder's 显示条件)."""

    variable: str
    value: str


@dataclass(frozen=True)
class Button:
    label: str
    # None for a link button: DingTalk opens the URL held in the `link` variable, with no callback.
    action: CardAction | None
    # Card variables copied into the callback params under the same name (the 回传参数).
    params: tuple[str, ...] = ()
    visible_when: VisibleWhen | None = None
    link: str | None = None
    # The card's input fields this button sends along (DingTalk returns them among the params), e.g. a reason.
    inputs: tuple[str, ...] = ()


@dataclass(frozen=True)
class CardTemplate:
    id: str
    title: str  # may name variables as {name}
    body: str
    variables: tuple[str, ...]
    buttons: tuple[Button, ...] = ()
    # Variables held per user (privateData) rather than on the shared card. Every template shows `tip`,
    # the line a callback's answer uses to tell the presser something (「操作未成功，请稍后再试」).
    private_variables: tuple[str, ...] = field(default=("tip",))

    def missing_or_invalid(self, data: Mapping[str, object]) -> list[str]:
        """Variable names DingTalk would reject: absent, or not a string (cardParamMap is string-only)."""
        wrong = [name for name in self.variables if not isinstance(data.get(name), str)]
        wrong += [name for name, value in data.items() if not isinstance(value, str) and name not in wrong]
        return wrong

    def visible_buttons(self, data: Mapping[str, str]) -> list[Button]:
        return [
            b
            for b in self.buttons
            if b.visible_when is None or data.get(b.visible_when.variable) == b.visible_when.value
        ]

    def button_params(self, button: Button, data: Mapping[str, str]) -> dict[str, str]:
        return {name: data.get(name, "") for name in button.params}

    def render(self, data: Mapping[str, str]) -> tuple[str, str]:
        values = {name: data.get(name, "") for name in (*self.variables, *self.private_variables)}
        body = self.body.format_map(values)
        if tip := data.get("tip"):
            body = f"{body}\n{tip}"
        return self.title.format_map(values), body


_REGISTRY: dict[str, CardTemplate] = {}


def register(template: CardTemplate) -> CardTemplate:
    _REGISTRY[template.id] = template
    return template


def template(template_id: str) -> CardTemplate | None:
    import cards.acknowledge  # noqa: F401  (each card module registers its template on import)
    import cards.expert_docking  # noqa: F401
    import cards.membership  # noqa: F401
    import cards.review  # noqa: F401

    return _REGISTRY.get(template_id)
