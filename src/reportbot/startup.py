"""Start-up with the garbage collector paused.

Starting reportbot imports modules and builds flows, dialogs and widgets:
objects that live as long as the process. Collecting while they are made
finds nothing to free, yet each full collection walks all of them; in the
TUI that was a fifth of the time to the first question. So the command-line
entry point pauses collection, and the front end resumes it just before the
filer is asked anything, with what start-up made frozen out of later
collections (which keeps each turn's collections small too).

Only the process's entry point pauses: :func:`reportbot.cli.main` called
in-process (by tests) leaves the collector alone, and :func:`resume` is then
a no-op.
"""

from __future__ import annotations

import gc

_state = "starting"  # then "paused" (by pause), then "running" (by resume)


def pause() -> None:
    """Stop collecting until :func:`resume`; only the first call in a process does anything."""
    global _state
    if _state == "starting" and gc.isenabled():
        gc.disable()
        _state = "paused"


def resume() -> None:
    """Freeze what start-up made and collect again from here on; a no-op unless paused."""
    global _state
    was, _state = _state, "running"
    if was == "paused":
        gc.freeze()
        gc.enable()
