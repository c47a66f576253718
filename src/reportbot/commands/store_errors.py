"""What the commands say when the store refuses, or did something on opening the filer should hear of."""

from __future__ import annotations

import sys

from reportbot.saying import say
from reportbot.store import ReportLocked, ReportNotFound, Store, StoreError


def refused(error: StoreError, words) -> int:
    """Say why on standard error; the exit code: 1 for a report missing or in use, 2 for a store that cannot be used."""
    # The message may name the database (--db PATH): no escape sequence or line break of its name gets through.
    print(f"reportbot: {say(error, words)}", file=sys.stderr)
    return 1 if isinstance(error, (ReportNotFound, ReportLocked)) else 2


def say_notices(store: Store, words) -> None:
    """On standard error, what opening the store did (an unfinished write a killed reportbot left, undone)."""
    for notice in store.notices:
        print(f"reportbot: {say(notice, words)}", file=sys.stderr)
