"""The heap loaded at start-up (modules, settings, the taxonomy, compiled statements, the demo) lives as long as
the process. A full collection of it takes about 100 ms on the 2-core development machine (measured when
bench/card_callbacks.py starts), and a full collection holds up every request in flight. Frozen out of the
collector once start-up is done, it is no longer scanned: later full collections see only what was allocated
since."""

from __future__ import annotations

import gc


def freeze_startup_heap() -> None:
    """Call once, when start-up is done: what is garbage by then is collected first, not kept for good."""
    gc.collect()
    gc.freeze()


def thaw_heap() -> None:
    """At shutdown: a process that goes on (a test run) gets its garbage collected again."""
    gc.unfreeze()
