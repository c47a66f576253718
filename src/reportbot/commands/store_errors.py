"""What the store commands (list, export, import, history, delete) say when the store refuses."""

from __future__ import annotations

import sys

from reportbot.store import ReportLocked, ReportNotFound, StoreError
from reportbot.values import one_line


def refused(error: StoreError, words) -> int:
    """Say why on standard error; the exit code: 1 for a report missing or in use, 2 for a store that cannot be used."""
    # The message may name the database (--db PATH): no escape sequence or line break of its name gets through.
    print(f"reportbot: {one_line(error.message(words))}", file=sys.stderr)
    return 1 if isinstance(error, (ReportNotFound, ReportLocked)) else 2
