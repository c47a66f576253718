"""Whether the filer asked for output line by line (a screen reader, a braille display), for every command alike.

Light on purpose: ``reportbot list`` reads it without importing the conversation.
"""

from __future__ import annotations

import argparse
import os


def _set(name: str) -> bool:
    """A variable that asks for something: set, not empty and not "0" (as gh and clack read ACCESSIBLE)."""
    return os.environ.get(name, "") not in ("", "0")


def asked(args: argparse.Namespace) -> str | None:
    """Why output is line by line when the filer asked for it (a ``plain.chosen.*`` key's tail), else None.

    --plain, $REPORTBOT_PLAIN, or $ACCESSIBLE (the variable screen-reader users set once for gh, huh and clack).
    """
    if getattr(args, "plain", False):
        return "flag"
    if _set("REPORTBOT_PLAIN"):
        return "env"
    if _set("ACCESSIBLE"):
        return "accessible"
    return None
