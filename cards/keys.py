"""Ordering keys of the outbound messages about one DingTalk object.

Every message about one card (its create, then its updates) carries `card_key(outTrackId)`; a to-do's create and
its completion carry `todo_key(sourceId)`. The relay sends a message of a key only after the earlier ones are sent
or dead, and hands it all of them, so the card channels send a card's current data and a completion finds the
to-do's id."""

from __future__ import annotations


def card_key(out_track_id: str) -> str:
    return f"card:{out_track_id}"


def todo_key(source_id: str) -> str:
    return f"todo:{source_id}"
