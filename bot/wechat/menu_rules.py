"""The official account's menu: WeChat's limits on it, and the menu/create body built from the settings.

Limits from the menu/create documentation
(https://developers.weixin.qq.com/doc/offiaccount/Custom_Menus/Creating_Custom-Defined_Menu.html): 1–3 buttons,
1–5 sub-buttons each, a button's name ≤ 16 bytes and a sub-button's ≤ 60 bytes (UTF-8, so 5 and 20 Chinese
characters), a click key ≤ 128 bytes, a url ≤ 1024 bytes; a miniprogram button needs the mini-program's appid,
its pagepath and a url that old clients open instead. The platform answers a violation with 400xx errors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.settings import MenuButton

MAX_BUTTONS, MAX_SUB_BUTTONS = 3, 5
MAX_NAME_BYTES, MAX_SUB_NAME_BYTES = 16, 60
MAX_KEY_BYTES, MAX_URL_BYTES = 128, 1024


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def menu_problems(buttons: list[MenuButton]) -> list[str]:
    """Every way the menu breaks the platform's rules; empty when it may be sent."""
    problems: list[str] = []
    if not 1 <= len(buttons) <= MAX_BUTTONS:
        problems.append(f"{len(buttons)} buttons (1–{MAX_BUTTONS} allowed)")
    for button in buttons:
        problems += _button_problems(button, top=True)
        if button.sub_buttons and len(button.sub_buttons) > MAX_SUB_BUTTONS:
            problems.append(f"{button.name!r} has {len(button.sub_buttons)} sub-buttons (≤{MAX_SUB_BUTTONS})")
        for sub in button.sub_buttons:
            if sub.sub_buttons:
                problems.append(f"{sub.name!r}: menus are two levels deep at most")
            problems += _button_problems(sub, top=False)
    return problems


def _button_problems(button: MenuButton, *, top: bool) -> list[str]:
    name_cap = MAX_NAME_BYTES if top else MAX_SUB_NAME_BYTES
    problems = []
    if not button.name.strip() or _size(button.name) > name_cap:
        problems.append(f"name {button.name!r} must be 1–{name_cap} bytes")
    if top and button.sub_buttons:
        if button.type:
            problems.append(f"{button.name!r} opens sub-buttons and cannot also be a {button.type} button")
        return problems
    if button.type == "click" and not 0 < _size(button.key) <= MAX_KEY_BYTES:
        problems.append(f"click button {button.name!r} needs a key of 1–{MAX_KEY_BYTES} bytes")
    if button.type == "view" and not 0 < _size(button.url) <= MAX_URL_BYTES:
        problems.append(f"view button {button.name!r} needs a url of 1–{MAX_URL_BYTES} bytes")
    if button.type == "miniprogram" and not button.pagepath:
        problems.append(f"miniprogram button {button.name!r} needs a pagepath")
    if not button.type:
        problems.append(f"{button.name!r} needs a type (click, view or miniprogram) or sub-buttons")
    return problems


def menu_payload(buttons: list[MenuButton], *, mini_app_id: str, fallback_url: str) -> dict[str, Any]:
    """The menu/create body. Mini-program buttons fall back to `fallback_url` unless they name their own url."""
    return {"button": [_button(b, mini_app_id, fallback_url) for b in buttons]}


def _button(button: MenuButton, mini_app_id: str, fallback_url: str) -> dict[str, Any]:
    if button.sub_buttons:
        return {"name": button.name, "sub_button": [_button(b, mini_app_id, fallback_url) for b in button.sub_buttons]}
    if button.type == "click":
        return {"type": "click", "name": button.name, "key": button.key}
    if button.type == "view":
        return {"type": "view", "name": button.name, "url": button.url}
    if not mini_app_id:  # no mini-program configured: the page's public address instead
        return {"type": "view", "name": button.name, "url": button.url or fallback_url}
    return {
        "type": "miniprogram",
        "name": button.name,
        "url": button.url or fallback_url,
        "appid": mini_app_id,
        "pagepath": button.pagepath,
    }
