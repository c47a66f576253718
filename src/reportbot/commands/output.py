"""What the commands that write a file say when it cannot be written: one line on standard error, exit 2."""

from __future__ import annotations

import sys

from reportbot.export import IsTheDatabase
from reportbot.values import one_line


def unwritten(error: IsTheDatabase | OSError, named: str, words) -> int:
    """Say why ``named`` was not written (it is the database, or the system refused), and give exit code 2."""
    shown = one_line(named)  # a file name can carry escape sequences and line breaks
    if isinstance(error, IsTheDatabase):
        message = words.t("export.is_database", path=shown)
    else:
        message = words.t("export.cannot_write", path=shown, detail=one_line(str(error.strerror or error)))
    print(f"reportbot: {message}", file=sys.stderr)
    return 2
